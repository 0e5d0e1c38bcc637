using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using RnnGen.Kernels;

namespace RnnGen.Batching;

/// <summary>The sizes a generated batch gives its base class.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct BatchShape(
    int InputSize, int OutputSize, int SequenceLength, int StateSize, int VocabularySize, bool OutputsEveryStep, bool CanStep, bool HasLanes);
