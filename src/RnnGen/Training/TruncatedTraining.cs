namespace RnnGen.Training;

/// <summary>What one <see cref="Trainer.TrainTruncated(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/> pass did.</summary>
/// <param name="MeanLoss">The mean loss of the chunks whose step was applied (NaN when none was).</param>
/// <param name="Chunks">The chunks the stream was cut into, one optimizer step each.</param>
/// <param name="SkippedChunks">The chunks whose step was skipped; their weights and optimizer state were left as they were.</param>
/// <param name="FirstSkipReason">Why the first skipped chunk was skipped, or <see cref="TrainingSkipReason.None"/>.</param>
public readonly record struct TruncatedTraining(float MeanLoss, int Chunks, int SkippedChunks, TrainingSkipReason FirstSkipReason);

/// <summary>Adds up a truncated pass's steps into a <see cref="TruncatedTraining"/>.</summary>
internal struct TruncatedTrainingTally
{
    private double _loss;
    private int _chunks, _skipped;
    private TrainingSkipReason _first;

    public void Add(TrainingStep step)
    {
        _chunks++;
        if (step.Applied)
        {
            _loss += step.Loss;
            return;
        }
        if (_skipped++ == 0) _first = step.SkipReason;
    }

    public readonly TruncatedTraining Result =>
        new(_chunks > _skipped ? (float)(_loss / (_chunks - _skipped)) : float.NaN, _chunks, _skipped, _first);
}
