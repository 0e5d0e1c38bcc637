using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace RnnGen.Kernels;

/// <summary>
/// Argument checks for generated models. The throwing paths live here, out of line, so the hot paths of
/// <c>Step</c>, <c>Forward</c> and <c>Backward</c> stay small; the messages say what was expected.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelGuard
{
    /// <summary>Steps in an input of <paramref name="length"/> floats, or throws if that is not 1..sequenceLength whole steps.</summary>
    public static int Steps(int length, int inputSize, int sequenceLength, string parameterName)
    {
        int steps = length / inputSize;
        if (steps < 1 || steps > sequenceLength || steps * inputSize != length)
            ThrowInputLength(length, inputSize, sequenceLength, parameterName);
        return steps;
    }

    /// <summary>Whether every value is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Throws unless a span of <paramref name="length"/> floats has room for <paramref name="needed"/>.</summary>
    public static void AtLeast(int length, int needed, string parameterName)
    {
        if (length < needed) ThrowTooShort(length, needed, parameterName);
    }

    /// <summary>Throws unless a span holds exactly <paramref name="expected"/> floats.</summary>
    public static void Exactly(int length, int expected, string parameterName)
    {
        if (length != expected) ThrowExactLength(length, expected, parameterName);
    }

    /// <summary>Throws unless a span is empty or exactly <paramref name="expected"/> long (optional gradient spans).</summary>
    public static void EmptyOrExactly(int length, int expected, string parameterName)
    {
        if (length != 0 && length != expected) ThrowOptionalLength(length, expected, parameterName);
    }

    /// <summary>Throws unless <paramref name="token"/> is in [0, vocabularySize).</summary>
    public static void Token(int token, int vocabularySize, int position, string parameterName)
    {
        if ((uint)token >= (uint)vocabularySize) ThrowToken(token, vocabularySize, position, parameterName);
    }

    /// <summary>Throws unless a Forward has been recorded.</summary>
    public static void Recorded(int recordedSteps)
    {
        if (recordedSteps == 0) ThrowNotRecorded();
    }

    /// <summary>Throws unless a token model was given no input gradient span.</summary>
    public static void NoInputGradient(int length, string parameterName)
    {
        if (length != 0)
            throw new ArgumentException("A token model has no input gradient: its inputs are indices. Pass an empty span; the embedding's gradient goes to Gradients.", parameterName);
    }

    /// <summary>
    /// Throws for a low-precision model, which has no Backward: its Step and Forward run quantized copies of the weights,
    /// and training writes the float32 parameters, which would leave those copies stale.
    /// </summary>
    public static void Trainable(WeightPrecision precision)
    {
        if (precision != WeightPrecision.Float32) ThrowInferenceOnly(precision);
    }

    [DoesNotReturn]
    private static void ThrowInferenceOnly(WeightPrecision precision)
        => throw new InvalidOperationException(
            $"Backward needs a float32 model, and this one runs {precision} copies of its weights (it is inference-only). Train its float32 twin, "
            + "the same declaration without Precision, and load the trained weights into this model (LoadWeights quantizes them): see docs/quantization.md.");

    [DoesNotReturn]
    private static void ThrowInputLength(int length, int inputSize, int sequenceLength, string parameterName)
        => throw new ArgumentException(
            $"Expected 1 to {sequenceLength} steps of {inputSize} values ({inputSize} to {inputSize * (long)sequenceLength} floats, a multiple of {inputSize}), but got {length}.",
            parameterName);

    [DoesNotReturn]
    private static void ThrowTooShort(int length, int needed, string parameterName)
        => throw new ArgumentException($"Needs room for {needed} floats, but has {length}.", parameterName);

    [DoesNotReturn]
    private static void ThrowExactLength(int length, int expected, string parameterName)
        => throw new ArgumentException($"Must hold exactly {expected} floats, but has {length}.", parameterName);

    [DoesNotReturn]
    private static void ThrowOptionalLength(int length, int expected, string parameterName)
        => throw new ArgumentException($"Must be empty or hold exactly {expected} floats, but has {length}.", parameterName);

    [DoesNotReturn]
    private static void ThrowToken(int token, int vocabularySize, int position, string parameterName)
        => throw new ArgumentOutOfRangeException(parameterName, token, $"Token {token} at position {position} is outside the vocabulary [0, {vocabularySize}).");

    [DoesNotReturn]
    private static void ThrowNotRecorded()
        => throw new InvalidOperationException("Backward needs a recorded sequence: call Forward first.");
}
