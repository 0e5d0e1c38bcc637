using RnnGen.Generator.Contract;
using RnnGen.Generator.Helpers;

namespace RnnGen.Generator.Model;

/// <summary>
/// Everything the emitter needs to know about one annotated class, as plain values.
/// Contract: only strings, numbers, enums and <see cref="EquatableArray{T}"/> — never symbols, syntax or
/// locations — so equal declarations produce equal specs and the pipeline can cache them.
/// A spec exists only if the declaration had no errors; every size in it is positive.
/// <see cref="Weights"/> is the build-time weights path as declared, or null. <see cref="ExactActivations"/> picks
/// RowBlocks.Sigmoid/Tanh over the default FastSigmoid/FastTanh in vectorised cells. <see cref="Precision"/> is how Step
/// and Forward store the recurrent weights (Emit/QuantizedWeights lays out the copies of a low-precision model).
/// </summary>
internal sealed record ModelSpec(
    string Namespace,
    string TypeName,
    EquatableArray<ContainingType> ContainingTypes,
    int InputSize,
    int SequenceLength,
    EmbeddingSpec? Embedding,
    EquatableArray<LayerSpec> Layers,
    HeadSpec? Head,
    string? Weights = null,
    bool ExactActivations = false,
    WeightPrecision Precision = WeightPrecision.Float32)
{
    /// <summary>Fully qualified name without <c>global::</c>, used for the hint name.</summary>
    public string FullName
    {
        get
        {
            string nested = string.Concat(ContainingTypes.Select(t => t.Name + "."));
            return (Namespace.Length == 0 ? "" : Namespace + ".") + nested + TypeName;
        }
    }

    /// <summary>Whether every layer runs forward in time only, so the model can advance one step at a time.</summary>
    public bool CanStep => Layers.All(l => !l.Bidirectional);
}

/// <summary>A type that encloses the model class; emitted as <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>
/// The recurrence a layer runs. The GRU's two forms are one kind with <see cref="LayerSpec.ResetAfter"/>, as in the
/// attribute; which emitter writes a layer is decided once, in <c>Emit.Cells.CellEmitter.For</c>.
/// </summary>
internal enum CellKind { Lstm, Gru, RnnTanh, RnnRelu }

/// <summary>
/// One recurrent layer. <see cref="ProjectionSize"/> is 0 unless the cell is an LSTM with projection. <see cref="Module"/>
/// is the PyTorch module its tensors are under, or null for the default names (<see cref="ParameterTable"/> makes them).
/// </summary>
internal sealed record LayerSpec(CellKind Cell, int HiddenSize, int ProjectionSize, bool Bidirectional, bool Bias, bool ResetAfter, string? Module = null)
{
    /// <summary>Rows per gate block in the stacked PyTorch weights: 4 (LSTM i,f,g,o), 3 (GRU r,z,n), 1 (RNN).</summary>
    public int GateCount => Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };

    /// <summary>Whether the layer carries a cell state c besides h (PyTorch returns it as <c>c_n</c>).</summary>
    public bool HasCellState => Cell == CellKind.Lstm;

    /// <summary>Size P of the hidden state h of one direction.</summary>
    public int OutputSize => ProjectionSize > 0 ? ProjectionSize : HiddenSize;

    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Width D·P of the layer's output row, the next layer's input.</summary>
    public int Width => Directions * OutputSize;
}

internal sealed record EmbeddingSpec(int VocabularySize, int Dimension, string? Module = null);

/// <summary>One dense layer of the head, <c>y = act(W x + b)</c>; <see cref="Activation"/> is the runtime's enum, compiled in from its source.</summary>
internal sealed record DenseSpec(int Outputs, Activation Activation, bool Bias, string? Module = null);

/// <summary>
/// The head: one or more dense layers in declaration order (an MLP when several), the first reading the top recurrent
/// layer's <see cref="Over"/> steps, each later one the layer before it. Only the last layer may be Softmax.
/// </summary>
internal sealed record HeadSpec(EquatableArray<DenseSpec> Layers, Steps Over)
{
    /// <summary>Floats per output row: the last layer's outputs.</summary>
    public int Outputs => Layers[Layers.Count - 1].Outputs;

    /// <summary>The last layer, whose activation turns the logits into the outputs.</summary>
    public DenseSpec Last => Layers[Layers.Count - 1];

    /// <summary>Whether the head writes one row per step; otherwise one row (the last step or the final state).</summary>
    public bool EveryStep => Over == Steps.Every;
}
