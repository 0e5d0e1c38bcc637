namespace RnnGen.Training;

/// <summary>Settings of a <see cref="Trainer"/>.</summary>
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
}
