namespace RnnGen.Training;

/// <summary>
/// A first-order optimizer over one flat parameter buffer, such as <see cref="IParameterSet.Parameters"/> with
/// <see cref="IRecurrentModel.Gradients"/> (same layout). Its per-parameter state is allocated once, at construction.
/// Implement it for a rule of your own: it is what Trainer, BatchTrainer and OptimizerExtensions take.
/// </summary>
public interface IOptimizer
{
    /// <summary>The number of parameters every <see cref="Step"/> expects.</summary>
    int ParameterCount { get; }

    /// <summary>The step size; may be changed between steps (a schedule), as PyTorch's <c>param_groups[0]['lr']</c>.</summary>
    float LearningRate { get; set; }

    /// <summary>
    /// Updates <paramref name="parameters"/> in place from <paramref name="gradients"/> and the optimizer's state, unless
    /// the update would write NaN or ±∞ into the parameters or the state (a non-finite gradient, or an overflow): then
    /// nothing changes, the step count included, and the result is false. Allocates nothing.
    /// </summary>
    /// <returns>True when the step was taken; false when it was refused.</returns>
    /// <exception cref="ArgumentException">A span's length is not <see cref="ParameterCount"/>.</exception>
    bool Step(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>Forgets all state (moments, momentum, step count), as a newly constructed optimizer.</summary>
    void Reset();
}
