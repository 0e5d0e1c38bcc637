namespace RnnGen.Streaming;

/// <summary>Where a fixed-rate frame sits on the output clock, and whether the stream restarted just before it.</summary>
/// <param name="Tick">Frame index on the output clock: the frame's time is <c>Tick / rate</c>.</param>
/// <param name="Time">The frame's time in seconds, on the same clock as the input timestamps.</param>
/// <param name="ResetBefore">True when the stream restarted before this frame: state built from earlier frames must be discarded.</param>
public readonly record struct FrameStamp(long Tick, double Time, bool ResetBefore);
