namespace RnnGen.Streaming;

/// <summary>Why an incoming sample is bad. Each reason has its own <see cref="BadSamplePolicy"/> in <see cref="BadSampleHandling"/>.</summary>
public enum BadSampleReason
{
    /// <summary>A value or the timestamp is NaN or ±Infinity.</summary>
    NonFinite = 0,

    /// <summary>The timestamp is earlier than the source's last accepted timestamp.</summary>
    OutOfOrder = 1,

    /// <summary>The timestamp equals the source's last accepted timestamp.</summary>
    Duplicate = 2,

    /// <summary>The time since the source's last accepted sample exceeds <see cref="BadSampleHandling.MaxGapSeconds"/>.</summary>
    Gap = 3,

    /// <summary>
    /// The timestamp lies outside <see cref="StreamResampler.MaxTimestampSeconds"/>, where a double can no longer tell
    /// sample intervals apart accurately (for example nanoseconds passed as seconds). Always dropped; no policy applies.
    /// </summary>
    TimestampOutOfRange = 4,
}
