namespace RnnGen.Streaming;

/// <summary>
/// One sensor feeding a <see cref="StreamResampler"/>: how many channels its samples carry and roughly how fast they
/// arrive. Its channels occupy consecutive positions in the output frame, in the order the sources are listed.
/// </summary>
public sealed class StreamSource
{
    /// <summary>Describes a source.</summary>
    /// <param name="channelCount">Floats per sample (e.g. 3 for an accelerometer).</param>
    /// <param name="nominalRateHz">
    /// The rate the sensor is meant to deliver, from <see cref="StreamResampler.MinRateHz"/> to <see cref="StreamResampler.MaxRateHz"/>.
    /// It chooses the filter: above the output rate the source is decimated with the anti-aliasing box filter, otherwise
    /// sampled by linear interpolation. It also sizes the input buffer and bounds the usable timestamps
    /// (<see cref="StreamResampler.MaxTimestampSeconds"/>).
    /// </param>
    /// <param name="bufferSamples">
    /// Samples of this source held while waiting for other sources or for non-finite values to resolve, 4 to
    /// <see cref="StreamResampler.MaxBufferSamples"/>; 0 chooses <c>rate·(2·max(0.5 s, MaxGapSeconds) + DeadSourceSeconds) + 8</c>
    /// (without the DeadSourceSeconds term when it is infinite).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given for it.</exception>
    public StreamSource(int channelCount, double nominalRateHz, int bufferSamples = 0)
    {
        if (channelCount is < 1 or > StreamResampler.MaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(channelCount), channelCount, $"A source has 1 to {StreamResampler.MaxFrameSize} channels.");
        if (!(nominalRateHz >= StreamResampler.MinRateHz && nominalRateHz <= StreamResampler.MaxRateHz))
            throw new ArgumentOutOfRangeException(nameof(nominalRateHz), nominalRateHz, StreamResampler.RateRangeText("The nominal rate"));
        if (bufferSamples != 0 && bufferSamples is < 4 or > StreamResampler.MaxBufferSamples)
            throw new ArgumentOutOfRangeException(nameof(bufferSamples), bufferSamples, $"The buffer holds 4 to {StreamResampler.MaxBufferSamples} samples; 0 chooses the default size.");
        ChannelCount = channelCount;
        NominalRateHz = nominalRateHz;
        BufferSamples = bufferSamples;
    }

    /// <summary>Floats per sample.</summary>
    public int ChannelCount { get; }

    /// <summary>The rate the sensor is meant to deliver, in hertz.</summary>
    public double NominalRateHz { get; }

    /// <summary>Input buffer size in samples, or 0 for the default.</summary>
    public int BufferSamples { get; }
}
