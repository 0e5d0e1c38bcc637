namespace RnnGen.Training;

/// <summary>What one <see cref="Trainer.TrainTruncated(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/> pass did.</summary>
/// <param name="MeanLoss">The mean loss of the chunks whose step was applied (NaN when none was).</param>
/// <param name="Chunks">The chunks the stream was cut into, one optimizer step each.</param>
/// <param name="SkippedChunks">The chunks whose step was skipped; their weights and optimizer state were left as they were.</param>
/// <param name="FirstSkipReason">Why the first skipped chunk was skipped, or <see cref="TrainingSkipReason.None"/>.</param>
public readonly record struct TruncatedTraining(float MeanLoss, int Chunks, int SkippedChunks, TrainingSkipReason FirstSkipReason);
