namespace RnnGen.Streaming;

/// <summary>A summary of a <see cref="LatencyMeter"/>, in microseconds.</summary>
/// <param name="Count">Durations recorded in all.</param>
/// <param name="MeanMicroseconds">All-time mean.</param>
/// <param name="P50Microseconds">Median of the kept window.</param>
/// <param name="P99Microseconds">99th percentile of the kept window.</param>
/// <param name="WindowMaxMicroseconds">Longest in the kept window.</param>
/// <param name="MaxMicroseconds">Longest ever.</param>
public readonly record struct LatencySnapshot(long Count, double MeanMicroseconds, double P50Microseconds, double P99Microseconds, double WindowMaxMicroseconds, double MaxMicroseconds);
