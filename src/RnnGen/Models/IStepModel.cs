namespace RnnGen;

/// <summary>A model with only unidirectional layers, which can advance one step at a time.</summary>
public interface IStepModel : ISequenceModel
{
    /// <summary>Advances the state by one input step and writes one output row. Allocates nothing.</summary>
    void Step(ReadOnlySpan<float> input, Span<float> output);
}
