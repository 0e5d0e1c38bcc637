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
    /// The rate the sensor is meant to deliver. It chooses the filter: above the output rate the source is decimated with
    /// the anti-aliasing box filter, otherwise sampled by linear interpolation. It also sizes the input buffer.
    /// </param>
    /// <param name="bufferSamples">Samples of this source held while waiting for other sources or for non-finite values to resolve; 0 chooses <c>2·rate·max(0.5 s, MaxGapSeconds) + 8</c>.</param>
    public StreamSource(int channelCount, double nominalRateHz, int bufferSamples = 0)
    {
        if (channelCount < 1) throw new ArgumentOutOfRangeException(nameof(channelCount), channelCount, "A source needs at least one channel.");
        if (!(nominalRateHz > 0) || double.IsInfinity(nominalRateHz))
            throw new ArgumentOutOfRangeException(nameof(nominalRateHz), nominalRateHz, "The nominal rate must be a positive finite number of hertz.");
        if (bufferSamples < 0) throw new ArgumentOutOfRangeException(nameof(bufferSamples), bufferSamples, "Use 0 for the default size.");
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
