namespace RnnGen.Streaming;

/// <summary>
/// What <see cref="StreamResampler"/> does with a bad sample. Not every policy is meaningful for every
/// <see cref="BadSampleReason"/>; <see cref="BadSampleHandling"/> lists which are allowed and rejects the rest.
/// </summary>
public enum BadSamplePolicy
{
    /// <summary>
    /// Discard it. A non-finite, out-of-order or duplicate sample is dropped whole, and the frames around it are interpolated
    /// between its good neighbours. For a gap, the sample is kept but no frame is emitted for any tick inside the gap; the
    /// model's state carries over.
    /// </summary>
    Drop = 0,

    /// <summary>
    /// Repeat the last good value. Non-finite values are replaced by the channel's last finite value; a gap is filled
    /// with frames holding the values from before the gap, up to the new sample.
    /// </summary>
    HoldLast = 1,

    /// <summary>
    /// Interpolate linearly. A non-finite value is replaced by linear interpolation in time between the channel's finite
    /// neighbours (the frames wait for the next finite value); a gap is bridged as if it were an ordinary interval.
    /// </summary>
    Interpolate = 2,

    /// <summary>
    /// Restart the stream: every source starts afresh (data not yet turned into frames is discarded), the frame clock
    /// restarts, and the next frame carries <see cref="FrameStamp.ResetBefore"/> so the runner resets the model's state.
    /// A non-finite sample is discarded; an out-of-order, duplicate or post-gap sample becomes the first of the new stream.
    /// </summary>
    ResetState = 3,
}
