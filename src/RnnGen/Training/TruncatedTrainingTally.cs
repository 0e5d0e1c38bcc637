namespace RnnGen.Training;

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
