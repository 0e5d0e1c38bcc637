namespace RnnGen.Streaming;

/// <summary>
/// Counters of one stream, shared by the components it is given to (resampler, ring, runner). Everything except
/// <see cref="Overruns"/> is written and read on the consumer thread; <see cref="Overruns"/> may be incremented by a
/// producer thread and read from any thread.
/// </summary>
/// <remarks>
/// Every counter is a 64-bit count that saturates at <see cref="long.MaxValue"/> instead of wrapping, so it never turns
/// negative (<see cref="SkippedFrames"/> and <see cref="Overruns"/> can grow by many at once).
/// </remarks>
public sealed class StreamCounters
{
    private const int ReasonCount = (int)BadSampleReason.TimestampOutOfRange + 1;

    private readonly long[] _bad = new long[ReasonCount];
    private readonly long[] _dropped = new long[ReasonCount];
    private long _overruns;
    private long _frames, _skippedFrames, _restarts, _reanchors, _deadSourceFrames, _steps, _resets, _divergedSteps, _events;

    /// <summary>Bad samples detected for <paramref name="reason"/>, whatever the policy did with them.</summary>
    public long BadSamples(BadSampleReason reason) => _bad[Index(reason)];

    /// <summary>Samples (or, in a runner, frames) discarded for <paramref name="reason"/>.</summary>
    public long DroppedSamples(BadSampleReason reason) => _dropped[Index(reason)];

    /// <summary>Sum of <see cref="DroppedSamples"/> over all reasons.</summary>
    public long TotalDroppedSamples
    {
        get
        {
            long sum = 0;
            foreach (long n in _dropped) sum = Saturating.Add(sum, n);
            return sum;
        }
    }

    /// <summary>Fixed-rate frames emitted by the resampler.</summary>
    public long Frames => _frames;

    /// <summary>Output ticks that were not emitted because they fell inside a gap under <see cref="BadSamplePolicy.Drop"/>.</summary>
    public long SkippedFrames => _skippedFrames;

    /// <summary>
    /// Stream restarts: by <see cref="BadSamplePolicy.ResetState"/>, by a gap too long to fill (see
    /// <see cref="BadSampleHandling.Gap"/>), by a clock jump (<see cref="Reanchors"/>), or by <see cref="StreamResampler.Restart"/>.
    /// </summary>
    public long Restarts => _restarts;

    /// <summary>
    /// Restarts onto a new timeline after <see cref="BadSampleHandling.ReanchorAfterSamples"/> consistent samples far
    /// before the stream's (a sensor clock reset, or recovery from one wild timestamp). Included in <see cref="Restarts"/>.
    /// </summary>
    public long Reanchors => _reanchors;

    /// <summary>
    /// Frames emitted while a source had been silent for longer than <see cref="BadSampleHandling.DeadSourceSeconds"/>:
    /// its channels held their last finite values (0 for a channel that never had one).
    /// </summary>
    public long DeadSourceFrames => _deadSourceFrames;

    /// <summary>Model invocations: <c>Step</c> calls, or <c>Forward</c> calls for a windowed runner.</summary>
    public long Steps => _steps;

    /// <summary>Model state resets caused by a restart of the stream (routine per-window resets are not counted).</summary>
    public long Resets => _resets;

    /// <summary>
    /// Model runs whose output or new state was not finite, although every input was (values of extreme magnitude can
    /// overflow a model's arithmetic): the runner discarded the output and reset the model's state.
    /// </summary>
    public long DivergedSteps => _divergedSteps;

    /// <summary>Events fired by detectors.</summary>
    public long Events => _events;

    /// <summary>Items lost because a buffer was full: ring-buffer writes, resampler input samples, resampler output frames.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    internal void CountBad(BadSampleReason reason, bool dropped)
    {
        Saturating.Increment(ref _bad[(int)reason]);
        if (dropped) Saturating.Increment(ref _dropped[(int)reason]);
    }

    internal void CountFrame() => Saturating.Increment(ref _frames);

    internal void CountSkippedFrames(long n) => _skippedFrames = Saturating.Add(_skippedFrames, n);

    internal void CountRestart() => Saturating.Increment(ref _restarts);

    internal void CountReanchor() => Saturating.Increment(ref _reanchors);

    internal void CountDeadSourceFrame() => Saturating.Increment(ref _deadSourceFrames);

    internal void CountStep() => Saturating.Increment(ref _steps);

    internal void CountReset() => Saturating.Increment(ref _resets);

    internal void CountDiverged() => Saturating.Increment(ref _divergedSteps);

    internal void CountEvent() => Saturating.Increment(ref _events);

    internal void CountOverrun() => CountOverruns(1);

    internal void CountOverruns(long n)
    {
        long current = Interlocked.Read(ref _overruns);
        while (true)
        {
            long seen = Interlocked.CompareExchange(ref _overruns, Saturating.Add(current, n), current);
            if (seen == current) return;
            current = seen;
        }
    }

    private static int Index(BadSampleReason reason) =>
        (uint)reason < ReasonCount
            ? (int)reason
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a BadSampleReason.");
}
