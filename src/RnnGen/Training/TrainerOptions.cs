namespace RnnGen.Training;

/// <summary>Settings of a <see cref="Trainer"/> or a <see cref="BatchTrainer"/>.</summary>
public sealed record TrainerOptions
{
    /// <summary>The loss; softmax cross-entropy by default.</summary>
    public TrainingLoss Loss { get; init; } = TrainingLoss.SoftmaxCrossEntropy;

    /// <summary>How a sequence's loss combines its scored rows (mean by default, as PyTorch).</summary>
    public LossReduction Reduction { get; init; } = LossReduction.Mean;

    /// <summary>If set, gradients are scaled so their global L2 norm is at most this (the remedy for exploding gradients).</summary>
    public float? ClipNorm { get; init; }

    /// <summary>If set, every gradient is clamped to [−ClipValue, ClipValue] (after norm clipping).</summary>
    public float? ClipValue { get; init; }

    /// <summary>Whether <see cref="Trainer.Forward(ReadOnlySpan{float})"/> starts every sequence from a zero state (default) or continues from the current one.</summary>
    public bool ResetStateEachSequence { get; init; } = true;

    /// <summary>Refuses an undefined <see cref="Loss"/> or <see cref="Reduction"/> and a clip limit that is not positive: the trainers' one check.</summary>
    internal void Validate()
    {
        if (Loss is not (TrainingLoss.SoftmaxCrossEntropy or TrainingLoss.SigmoidBinaryCrossEntropy or TrainingLoss.MeanSquaredError))
            throw new ArgumentOutOfRangeException("options.Loss", Loss, "Loss must be SoftmaxCrossEntropy, SigmoidBinaryCrossEntropy or MeanSquaredError.");
        if (Reduction is not (LossReduction.Mean or LossReduction.Sum))
            throw new ArgumentOutOfRangeException("options.Reduction", Reduction, "Reduction must be Mean or Sum.");
        if (ClipNorm is float norm && !(norm > 0))
            throw new ArgumentOutOfRangeException("options.ClipNorm", norm, "ClipNorm must be positive (+∞ clips nothing).");
        if (ClipValue is float value && !(value > 0))
            throw new ArgumentOutOfRangeException("options.ClipValue", value, "ClipValue must be positive (+∞ clips nothing).");
    }

    /// <summary>
    /// With <see cref="TrainingLoss.SigmoidBinaryCrossEntropy"/>, refuses a finite target outside [0, 1] before anything is
    /// marked; <paramref name="nothingDone"/> ends the message ("nothing was trained").
    /// </summary>
    internal void CheckTargets(ReadOnlySpan<float> targets, string nothingDone)
    {
        if (Loss != TrainingLoss.SigmoidBinaryCrossEntropy) return;
        foreach (float t in targets)
            if (t is < 0f or > 1f)
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"A binary cross-entropy target must be a probability in [0, 1], but one is {t}; {nothingDone}.");
    }
}
