namespace RnnGen;

/// <summary>
/// An inference-only copy of a generated model (its nested <c>Inference</c>, made by <c>ToInference()</c>): the weights
/// it was made from, its own from then on, and a state of its own. It has no <c>Parameters</c> and does not train, so
/// its Step may run a layout of the weights made for inference (docs/inference.md).
/// </summary>
public interface IInference
{
    /// <summary>Floats per input step; for a token model, the embedding dimension.</summary>
    int InputSize { get; }

    /// <summary>Floats per output row.</summary>
    int OutputSize { get; }

    /// <summary>The live recurrent state of every layer, laid out as <see cref="StateTensors"/> says.</summary>
    Span<float> State { get; }

    /// <summary>The pieces of <see cref="State"/>.</summary>
    IReadOnlyList<StateTensor> StateTensors { get; }

    /// <summary>Sets every hidden and cell state to zero.</summary>
    void ResetState();
}

/// <summary>The inference-only copy of a model that steps on float inputs.</summary>
public interface IStepInference : IInference
{
    /// <summary>Advances the state by one input step and writes one output row, as the model's Step does. Allocates nothing.</summary>
    void Step(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Step, guarded as the model's TryStep is: a non-finite input or result leaves the state as it was and returns false.</summary>
    bool TryStep(ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>The inference-only copy of a token model (<see cref="EmbeddingAttribute"/>).</summary>
public interface ITokenStepInference : IInference
{
    /// <summary>Advances the state by one token and writes one output row, as the model's Step does. Allocates nothing.</summary>
    void Step(int token, Span<float> output);

    /// <summary>Step, guarded as the model's TryStep is: a non-finite result leaves the state as it was and returns false.</summary>
    bool TryStep(int token, Span<float> output);
}
