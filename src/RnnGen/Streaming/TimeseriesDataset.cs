namespace RnnGen.Streaming;

/// <summary>
/// Training windows over a recorded series, as Keras' <c>timeseries_dataset_from_array</c> makes them. Window w starts
/// at row p = start + w·sequenceStride and holds rows p, p + r, …, p + (T − 1)·r (r = samplingRate); its target is
/// targets row p. Windows are in chronological order unless shuffled, and are copied into caller buffers batch by
/// batch, so iterating allocates nothing. With <see cref="ForNextValue"/> it is the "predict the next value" generator
/// (Keras' <c>TimeseriesGenerator</c>): data [1..10], T = 3 gives [1,2,3]→4, [2,3,4]→5, …, [7,8,9]→10.
/// </summary>
/// <remarks>
/// As in Keras, a window must end before <c>endIndex</c> and, when there are targets, its start row must have a target,
/// so targets shorter than the data limit the count. Keras checks that limit against the unsliced targets' length even
/// when <c>start_index</c> is set; here it is always the start row itself that must exist, which is the same when
/// <c>startIndex</c> is 0. Shuffling uses a fixed generator, so a seed gives the same order on every runtime.
/// </remarks>
public sealed class TimeseriesDataset
{
    private readonly ReadOnlyMemory<float> _data;
    private readonly ReadOnlyMemory<float> _targets;
    private readonly int[] _order;

    /// <summary>Creates the windows.</summary>
    /// <param name="data">The series, rows of <paramref name="channels"/> floats (time is the first axis).</param>
    /// <param name="channels">Floats per row of <paramref name="data"/>.</param>
    /// <param name="sequenceLength">T: rows per window.</param>
    /// <param name="targets">Targets, rows of <paramref name="targetSize"/> floats; row i belongs to the window starting at row i. Empty for none.</param>
    /// <param name="targetSize">Floats per target row.</param>
    /// <param name="sequenceStride">Rows between the starts of consecutive windows.</param>
    /// <param name="samplingRate">r: rows between consecutive steps within a window.</param>
    /// <param name="batchSize">Windows per batch (the last may be smaller).</param>
    /// <param name="shuffle">Whether to draw windows in a random order instead of chronologically.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="startIndex">First row windows may use.</param>
    /// <param name="endIndex">Rows at or after this are not used; -1 for the end of the data.</param>
    public TimeseriesDataset(
        ReadOnlyMemory<float> data, int channels, int sequenceLength,
        ReadOnlyMemory<float> targets = default, int targetSize = 1,
        int sequenceStride = 1, int samplingRate = 1, int batchSize = 128,
        bool shuffle = false, int seed = 0, int startIndex = 0, int endIndex = -1)
        : this(data, channels, sequenceLength, targets, !targets.IsEmpty, targetSize, sequenceStride, samplingRate, batchSize, shuffle, seed, startIndex, endIndex)
    {
    }

    private TimeseriesDataset(
        ReadOnlyMemory<float> data, int channels, int sequenceLength,
        ReadOnlyMemory<float> targets, bool hasTargets, int targetSize,
        int sequenceStride, int samplingRate, int batchSize,
        bool shuffle, int seed, int startIndex, int endIndex)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A row needs at least one channel.");
        if (data.Length % channels != 0) throw new ArgumentException($"The data ({data.Length} floats) is not a whole number of rows of {channels}.", nameof(data));
        if (sequenceLength < 1 || (long)sequenceLength * channels > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, $"A window has 1 to {Array.MaxLength / channels} steps of {channels} floats.");
        if (sequenceStride < 1) throw new ArgumentOutOfRangeException(nameof(sequenceStride), sequenceStride, "The stride must be at least 1.");
        if (samplingRate < 1) throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate must be at least 1.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one window.");
        if (targetSize < 1) throw new ArgumentOutOfRangeException(nameof(targetSize), targetSize, "A target row needs at least one float.");
        if (targets.Length % targetSize != 0) throw new ArgumentException($"The targets ({targets.Length} floats) are not a whole number of rows of {targetSize}.", nameof(targets));
        int rows = data.Length / channels;
        if (endIndex < 0) endIndex = rows;
        if (startIndex < 0 || startIndex > endIndex || endIndex > rows)
            throw new ArgumentOutOfRangeException(nameof(startIndex), $"Need 0 ≤ startIndex ({startIndex}) ≤ endIndex ({endIndex}) ≤ rows ({rows}).");

        _data = data;
        _targets = targets;
        Channels = channels;
        SequenceLength = sequenceLength;
        TargetSize = hasTargets ? targetSize : 0;
        SequenceStride = sequenceStride;
        SamplingRate = samplingRate;
        BatchSize = batchSize;
        StartIndex = startIndex;

        // Start rows p with p + (T − 1)·r < endIndex, and p < targetRows when there are targets.
        long limit = endIndex - (long)(sequenceLength - 1) * samplingRate;
        if (hasTargets) limit = Math.Min(limit, targets.Length / targetSize);
        long span = limit - startIndex;
        WindowCount = span <= 0 ? 0 : (int)((span - 1) / sequenceStride + 1);
        _order = new int[WindowCount];
        for (int w = 0; w < WindowCount; w++) _order[w] = w;
        if (shuffle) Shuffle(seed);
    }

    /// <summary>
    /// Windows over <paramref name="series"/> whose target is the row <paramref name="horizon"/> sampled steps after each
    /// window's last row: for window start p, target row p + (T − 1 + horizon)·r. The series serves as both data and targets.
    /// </summary>
    /// <param name="series">Rows of <paramref name="channels"/> floats.</param>
    /// <param name="channels">Floats per row (also per target).</param>
    /// <param name="sequenceLength">T: rows per window.</param>
    /// <param name="horizon">How many sampled steps ahead the target is (1 = the next value).</param>
    /// <param name="sequenceStride">Rows between the starts of consecutive windows.</param>
    /// <param name="samplingRate">r: rows between consecutive steps.</param>
    /// <param name="batchSize">Windows per batch.</param>
    /// <param name="shuffle">Whether to draw windows in a random order.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public static TimeseriesDataset ForNextValue(
        ReadOnlyMemory<float> series, int channels, int sequenceLength, int horizon = 1,
        int sequenceStride = 1, int samplingRate = 1, int batchSize = 128, bool shuffle = false, int seed = 0)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon is at least one step.");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "A row needs at least one channel.");
        if (sequenceLength < 1) throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "A window needs at least one step.");
        if (samplingRate < 1) throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate must be at least 1.");
        long delayFloats = (long)(sequenceLength - 1 + horizon) * samplingRate * channels;
        ReadOnlyMemory<float> targets = series[(int)Math.Min(delayFloats, series.Length - series.Length % channels)..];
        return new TimeseriesDataset(series, channels, sequenceLength, targets, hasTargets: true, channels,
            sequenceStride, samplingRate, batchSize, shuffle, seed, startIndex: 0, endIndex: -1);
    }

    /// <summary>Floats per data row.</summary>
    public int Channels { get; }

    /// <summary>T: steps per window.</summary>
    public int SequenceLength { get; }

    /// <summary>Floats per target row; 0 when there are no targets.</summary>
    public int TargetSize { get; }

    /// <summary>Rows between the starts of consecutive windows.</summary>
    public int SequenceStride { get; }

    /// <summary>Rows between consecutive steps within a window.</summary>
    public int SamplingRate { get; }

    /// <summary>Windows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>First row windows may use.</summary>
    public int StartIndex { get; }

    /// <summary>Number of windows.</summary>
    public int WindowCount { get; }

    /// <summary>Number of batches: ⌈<see cref="WindowCount"/> / <see cref="BatchSize"/>⌉.</summary>
    public int BatchCount => (WindowCount + BatchSize - 1) / BatchSize;

    /// <summary>Floats per window: T · channels.</summary>
    public int WindowSize => SequenceLength * Channels;

    /// <summary>Start row of window <paramref name="window"/> in chronological numbering.</summary>
    public int WindowStart(int window)
    {
        if ((uint)window >= (uint)WindowCount) throw new ArgumentOutOfRangeException(nameof(window), window, $"There are {WindowCount} windows.");
        return StartIndex + window * SequenceStride;
    }

    /// <summary>Copies window <paramref name="window"/> (chronological numbering) into <paramref name="destination"/> as [T × channels].</summary>
    public void CopyWindow(int window, Span<float> destination)
    {
        int start = WindowStart(window);
        if (destination.Length < WindowSize) throw new ArgumentException($"A window needs {WindowSize} floats.", nameof(destination));
        ReadOnlySpan<float> data = _data.Span;
        for (int j = 0; j < SequenceLength; j++)
            data.Slice((start + j * SamplingRate) * Channels, Channels).CopyTo(destination.Slice(j * Channels, Channels));
    }

    /// <summary>The target row of window <paramref name="window"/> (chronological numbering); empty without targets.</summary>
    public ReadOnlySpan<float> Target(int window)
    {
        int start = WindowStart(window);
        return TargetSize == 0 ? default : _targets.Span.Slice(start * TargetSize, TargetSize);
    }

    /// <summary>
    /// Copies batch <paramref name="batch"/> (in the current order) into <paramref name="inputs"/> [n × T × channels] and,
    /// with targets, <paramref name="targets"/> [n × targetSize].
    /// </summary>
    /// <returns>n, the number of windows in the batch.</returns>
    public int GetBatch(int batch, Span<float> inputs, Span<float> targets)
    {
        if ((uint)batch >= (uint)BatchCount) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"There are {BatchCount} batches.");
        int first = batch * BatchSize;
        int n = Math.Min(BatchSize, WindowCount - first);
        if (inputs.Length < n * WindowSize) throw new ArgumentException($"The batch needs {n * WindowSize} input floats.", nameof(inputs));
        if (targets.Length < n * TargetSize) throw new ArgumentException($"The batch needs {n * TargetSize} target floats.", nameof(targets));
        for (int i = 0; i < n; i++)
        {
            int w = _order[first + i];
            CopyWindow(w, inputs.Slice(i * WindowSize, WindowSize));
            if (TargetSize > 0) Target(w).CopyTo(targets.Slice(i * TargetSize, TargetSize));
        }
        return n;
    }

    /// <summary>Reorders the windows randomly (Fisher–Yates with a SplitMix64 generator seeded by <paramref name="seed"/>), e.g. once per epoch.</summary>
    public void Shuffle(int seed)
    {
        for (int w = 0; w < _order.Length; w++) _order[w] = w;
        ulong state = (ulong)(uint)seed;
        for (int i = _order.Length - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            int j = (int)(z % (ulong)(i + 1));
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <summary>Restores chronological order.</summary>
    public void Unshuffle()
    {
        for (int w = 0; w < _order.Length; w++) _order[w] = w;
    }
}
