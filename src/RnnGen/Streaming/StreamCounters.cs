namespace RnnGen.Streaming;

/// <summary>
/// Counters of one stream, shared by the components it is given to (resampler, ring, runner). Everything except
/// <see cref="Overruns"/> is written and read on the consumer thread; <see cref="Overruns"/> may be incremented by a
/// producer thread and read from any thread.
/// </summary>
public sealed class StreamCounters
{
    private const int ReasonCount = (int)BadSampleReason.Gap + 1;

    private readonly long[] _bad = new long[ReasonCount];
    private readonly long[] _dropped = new long[ReasonCount];
    private long _overruns;

    /// <summary>Bad samples detected for <paramref name="reason"/>, whatever the policy did with them.</summary>
    public long BadSamples(BadSampleReason reason) => _bad[(int)reason];

    /// <summary>Samples (or, in a runner, frames) discarded for <paramref name="reason"/>.</summary>
    public long DroppedSamples(BadSampleReason reason) => _dropped[(int)reason];

    /// <summary>Sum of <see cref="DroppedSamples"/> over all reasons.</summary>
    public long TotalDroppedSamples
    {
        get
        {
            long sum = 0;
            foreach (long n in _dropped) sum += n;
            return sum;
        }
    }

    /// <summary>Fixed-rate frames emitted by the resampler.</summary>
    public long Frames { get; private set; }

    /// <summary>Output ticks that were not emitted because they fell inside a gap under <see cref="BadSamplePolicy.Drop"/>.</summary>
    public long SkippedFrames { get; private set; }

    /// <summary>Stream restarts by <see cref="BadSamplePolicy.ResetState"/> (or <see cref="StreamResampler.Restart"/>).</summary>
    public long Restarts { get; private set; }

    /// <summary>Model invocations: <c>Step</c> calls, or <c>Forward</c> calls for a windowed runner.</summary>
    public long Steps { get; private set; }

    /// <summary>Model state resets caused by a restart of the stream (routine per-window resets are not counted).</summary>
    public long Resets { get; private set; }

    /// <summary>Events fired by detectors.</summary>
    public long Events { get; private set; }

    /// <summary>Items lost because a buffer was full: ring-buffer writes, resampler input samples, resampler output frames.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    internal void CountBad(BadSampleReason reason, bool dropped)
    {
        _bad[(int)reason]++;
        if (dropped) _dropped[(int)reason]++;
    }

    internal void CountFrame() => Frames++;

    internal void CountSkippedFrames(long n) => SkippedFrames += n;

    internal void CountRestart() => Restarts++;

    internal void CountStep() => Steps++;

    internal void CountReset() => Resets++;

    internal void CountEvent() => Events++;

    internal void CountOverrun() => Interlocked.Increment(ref _overruns);
}
