namespace RnnGen.Training;

/// <summary>The outcome of one optimizer step.</summary>
/// <param name="Loss">Mean loss of the sequences in the step.</param>
/// <param name="GradientNorm">Global L2 norm of the averaged gradient before clipping.</param>
/// <param name="SkipReason">Why the step was skipped, or <see cref="TrainingSkipReason.None"/> when it was applied.</param>
public readonly record struct TrainingStep(float Loss, float GradientNorm, TrainingSkipReason SkipReason)
{
    /// <summary>True when the step was applied; false when it was skipped (see <see cref="SkipReason"/>) and the weights and the optimizer are untouched.</summary>
    public bool Applied => SkipReason == TrainingSkipReason.None;
}
