namespace RnnGen.Streaming;

/// <summary>What <see cref="StreamResampler.Push(int, double, ReadOnlySpan{float})"/> did with a sample.</summary>
public enum SampleOutcome
{
    /// <summary>The sample was good and was taken as it is.</summary>
    Accepted = 0,

    /// <summary>The sample was bad and was kept after repair (values held or interpolated, or a gap held, bridged or skipped).</summary>
    Repaired = 1,

    /// <summary>The sample was bad and was discarded.</summary>
    Dropped = 2,

    /// <summary>The sample was bad and the stream restarted (<see cref="BadSamplePolicy.ResetState"/>).</summary>
    Restarted = 3,

    /// <summary>The source's input buffer was full; the sample was discarded and counted in <see cref="StreamCounters.Overruns"/>.</summary>
    Overrun = 4,
}
