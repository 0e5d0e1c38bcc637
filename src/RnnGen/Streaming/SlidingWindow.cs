namespace RnnGen.Streaming;

/// <summary>
/// The last <see cref="Length"/> frames of a stream as one contiguous span, due every <see cref="Stride"/> frames,
/// without copying per window. Each frame is written twice into a ring of 2·T rows, at row i and row i + T
/// (i = frame index mod T), so rows (i + 1) … (i + T) always hold the last T frames oldest first: two row copies per
/// frame instead of T per window.
/// </summary>
public sealed class SlidingWindow
{
    private readonly float[] _rows;
    private int _next;

    /// <summary>The most floats the ring may hold (2·T·channels): 2^28, 1 GiB.</summary>
    public const long MaxFloats = 1L << 28;

    /// <summary>Creates a window of <paramref name="length"/> frames of <paramref name="channels"/> floats, due every <paramref name="stride"/> frames.</summary>
    /// <param name="length">T ≥ 1, with 2·T·channels ≤ <see cref="MaxFloats"/>.</param>
    /// <param name="stride">S ≥ 1.</param>
    /// <param name="channels">Floats per frame, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the message gives the range.</exception>
    public SlidingWindow(int length, int stride, int channels)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A frame needs at least one channel.");
        if (length < 1 || 2L * length * channels > MaxFloats)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The window holds 1 to {MaxFloats / 2 / channels} frames of {channels} floats (its ring of 2·T frames may hold at most {MaxFloats} floats).");
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be at least one frame.");
        Length = length;
        Stride = stride;
        Channels = channels;
        _rows = new float[2 * length * channels];
    }

    /// <summary>Frames per window, T.</summary>
    public int Length { get; }

    /// <summary>Frames between the ends of consecutive windows, S.</summary>
    public int Stride { get; }

    /// <summary>Floats per frame.</summary>
    public int Channels { get; }

    /// <summary>Frames pushed since construction or <see cref="Clear"/>.</summary>
    public long Count { get; private set; }

    /// <summary>True once <see cref="Length"/> frames have been pushed.</summary>
    public bool IsFull => Count >= Length;

    /// <summary>
    /// The last min(<see cref="Count"/>, T) frames, oldest first, as [frames × channels]. A view into the ring: valid
    /// until the next <see cref="Push"/>.
    /// </summary>
    public ReadOnlySpan<float> Window
    {
        get
        {
            int frames = (int)Math.Min(Count, Length);
            int firstRow = _next + Length - frames; // _next = (newest + 1) mod T, so the newest is row _next + T − 1
            return _rows.AsSpan(firstRow * Channels, frames * Channels);
        }
    }

    /// <summary>Appends a frame.</summary>
    /// <returns>True when a window is due: T frames have been seen and (frames − T) is a multiple of S.</returns>
    public bool Push(ReadOnlySpan<float> frame)
    {
        if (frame.Length != Channels)
            throw new ArgumentException($"The window holds frames of {Channels} floats; got {frame.Length}.", nameof(frame));
        frame.CopyTo(_rows.AsSpan(_next * Channels, Channels));
        frame.CopyTo(_rows.AsSpan((_next + Length) * Channels, Channels));
        _next = _next + 1 == Length ? 0 : _next + 1;
        Count++;
        return Count >= Length && (Count - Length) % Stride == 0;
    }

    /// <summary>Forgets every frame (after a restart of the stream).</summary>
    public void Clear()
    {
        _next = 0;
        Count = 0;
    }
}
