namespace RnnGen.Training;

/// <summary>Why a <see cref="Trainer"/> skipped an optimizer step (the first reason found in the mini-batch).</summary>
public enum TrainingSkipReason
{
    /// <summary>The step was applied.</summary>
    None = 0,

    /// <summary>An input or float target was NaN or ±∞. The model's state was left as it was before that sequence.</summary>
    NonFiniteInput = 1,

    /// <summary>The forward pass left a NaN or ±∞ in the model's state (finite inputs of extreme magnitude); the state was restored.</summary>
    NonFiniteState = 2,

    /// <summary>A sequence's loss was NaN or ±∞.</summary>
    NonFiniteLoss = 3,

    /// <summary>A gradient was NaN or ±∞.</summary>
    NonFiniteGradient = 4,

    /// <summary>The optimizer refused the update: it would have written NaN or ±∞ into the weights or its own state (an overflow).</summary>
    NonFiniteUpdate = 5,
}
