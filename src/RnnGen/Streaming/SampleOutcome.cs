namespace RnnGen.Streaming;

/// <summary>What <see cref="StreamResampler.Push(int, double, ReadOnlySpan{float})"/> did with a sample.</summary>
public enum SampleOutcome
{
    /// <summary>The sample was good and was taken as it is.</summary>
    Accepted = 0,

    /// <summary>The sample was bad and was kept after repair (values held or interpolated, or a gap held, bridged or skipped).</summary>
    Repaired = 1,

    /// <summary>The sample was bad (or its timestamp out of range) and was discarded.</summary>
    Dropped = 2,

    /// <summary>
    /// The stream restarted at this sample: by <see cref="BadSamplePolicy.ResetState"/>, a gap too long to fill, or a
    /// clock jump (<see cref="BadSampleHandling.ReanchorAfterSamples"/>). The sample starts the new stream unless its
    /// values could not be used (then it was discarded too).
    /// </summary>
    Restarted = 3,

    /// <summary>The source's input buffer was full; the sample was discarded and counted in <see cref="StreamCounters.Overruns"/>.</summary>
    Overrun = 4,
}
