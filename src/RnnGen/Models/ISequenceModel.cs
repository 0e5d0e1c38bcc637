namespace RnnGen;

/// <summary>A model whose steps are float vectors and that can run a whole sequence.</summary>
public interface ISequenceModel : IRecurrentModel
{
    /// <summary>
    /// Runs <c>inputs.Length / InputSize</c> steps (1..<see cref="IRecurrentModel.SequenceLength"/>) starting from the current
    /// state, leaves the final state in <see cref="IRecurrentModel.State"/>, and writes the outputs (one row per step,
    /// or one row for a last-step head). Records what <c>Backward</c> needs. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The input length is not a positive multiple of InputSize within the window, or the output span is too short.</exception>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs);
}
