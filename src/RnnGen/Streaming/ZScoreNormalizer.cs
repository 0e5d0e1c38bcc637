using System.Globalization;
using System.Text;

namespace RnnGen.Streaming;

/// <summary>
/// Per-channel z-score normalisation, z = (x − μ) / σ, with μ and σ from training data (saved next to the weights
/// with <see cref="ToMetadata"/>) or estimated online with Welford's algorithm until <see cref="Freeze">frozen</see>.
/// σ is the population standard deviation (divisor n, as NumPy's <c>std</c> and scikit-learn's <c>StandardScaler</c>).
/// </summary>
public sealed class ZScoreNormalizer
{
    /// <summary>Metadata key of the channel means: a JSON array of round-trip floats, e.g. <c>[0.5,-1.25]</c>.</summary>
    public const string MeanKey = "rnngen.norm.mean";

    /// <summary>Metadata key of the channel standard deviations, same format as <see cref="MeanKey"/>.</summary>
    public const string StdKey = "rnngen.norm.std";

    /// <summary>Metadata key of the number of samples the statistics came from (optional when reading; lets running statistics continue).</summary>
    public const string CountKey = "rnngen.norm.count";

    /// <summary>
    /// A standard deviation below this is replaced by 1, so a constant channel passes through centred instead of being
    /// blown up by a near-zero divisor (scikit-learn does the same for zero variance).
    /// </summary>
    public const float MinStd = 1e-6f;

    private readonly double[] _mean;
    private readonly double[] _m2;
    private readonly float[] _meanF;
    private readonly float[] _stdF;
    private readonly float[] _invStdF;

    /// <summary>Creates a normaliser for <paramref name="channels"/> channels with running statistics, not frozen and with no samples yet (μ = 0, σ = 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> is not 1 to <see cref="StreamResampler.MaxFrameSize"/>.</exception>
    public ZScoreNormalizer(int channels)
    {
        if (channels is < 1 or > StreamResampler.MaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"A normaliser has 1 to {StreamResampler.MaxFrameSize} channels.");
        _mean = new double[channels];
        _m2 = new double[channels];
        _meanF = new float[channels];
        _stdF = new float[channels];
        _invStdF = new float[channels];
        _stdF.AsSpan().Fill(1f);
        _invStdF.AsSpan().Fill(1f);
    }

    /// <summary>Creates a frozen normaliser from known statistics.</summary>
    /// <param name="mean">μ per channel (finite).</param>
    /// <param name="std">σ per channel (finite, &gt; 0).</param>
    /// <param name="count">The number of samples they came from, used if running statistics are resumed after <see cref="Unfreeze"/>.</param>
    public ZScoreNormalizer(ReadOnlySpan<float> mean, ReadOnlySpan<float> std, long count = 0)
        : this(mean.Length)
    {
        if (std.Length != mean.Length)
            throw new ArgumentException($"{mean.Length} means but {std.Length} standard deviations.", nameof(std));
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The count cannot be negative.");
        for (int c = 0; c < mean.Length; c++)
        {
            if (!float.IsFinite(mean[c])) throw new ArgumentException($"Mean of channel {c} is {mean[c]}; it must be finite.", nameof(mean));
            if (!float.IsFinite(std[c]) || !(std[c] > 0)) throw new ArgumentException($"Standard deviation of channel {c} is {std[c]}; it must be finite and positive.", nameof(std));
            _mean[c] = mean[c];
            _m2[c] = (double)std[c] * std[c] * count;
        }
        Count = count;
        for (int c = 0; c < mean.Length; c++) SetEffective(c, mean[c], std[c]);
        IsFrozen = true;
    }

    /// <summary>Computes μ and σ of each channel over <paramref name="data"/> (rows of <paramref name="channels"/> floats) and returns a frozen normaliser.</summary>
    /// <exception cref="ArgumentException">The data is empty, not whole rows, or contains a non-finite value.</exception>
    public static ZScoreNormalizer Fit(ReadOnlySpan<float> data, int channels)
    {
        var n = new ZScoreNormalizer(channels);
        if (data.Length == 0 || data.Length % channels != 0)
            throw new ArgumentException($"The training data must be a non-empty whole number of rows of {channels} floats; got {data.Length}.", nameof(data));
        for (int row = 0; row < data.Length; row += channels)
        {
            ReadOnlySpan<float> frame = data.Slice(row, channels);
            foreach (float v in frame)
                if (!float.IsFinite(v)) throw new ArgumentException($"Row {row / channels} of the training data has a non-finite value.", nameof(data));
            n.Observe(frame);
        }
        n.Freeze();
        return n;
    }

    /// <summary>Number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>Samples the statistics are built from.</summary>
    public long Count { get; private set; }

    /// <summary>True when <see cref="Observe"/> no longer changes the statistics.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>μ per channel, as applied.</summary>
    public ReadOnlySpan<float> Mean => _meanF;

    /// <summary>σ per channel, as applied (1 where the estimate is below <see cref="MinStd"/> or fewer than two samples were seen).</summary>
    public ReadOnlySpan<float> Std => _stdF;

    /// <summary>Stops <see cref="Observe"/> from changing the statistics.</summary>
    public void Freeze() => IsFrozen = true;

    /// <summary>Lets <see cref="Observe"/> update the statistics again, continuing from <see cref="Count"/> samples.</summary>
    public void Unfreeze() => IsFrozen = false;

    /// <summary>
    /// Adds one frame to the running statistics unless frozen (Welford: n ← n + 1, δ = x − μ, μ ← μ + δ/n,
    /// M₂ ← M₂ + δ·(x − μ), σ = √(M₂/n)). Frames with a non-finite value are ignored.
    /// </summary>
    public void Observe(ReadOnlySpan<float> frame)
    {
        CheckLength(frame.Length);
        if (IsFrozen) return;
        foreach (float v in frame)
            if (!float.IsFinite(v)) return;
        long n = ++Count;
        for (int c = 0; c < frame.Length; c++)
        {
            double x = frame[c];
            double delta = x - _mean[c];
            _mean[c] += delta / n;
            _m2[c] += delta * (x - _mean[c]);
            SetEffective(c, _mean[c], n >= 2 ? Math.Sqrt(_m2[c] / n) : 1.0);
        }
    }

    /// <summary>Normalises in place: x ← (x − μ) / σ per channel.</summary>
    public void Normalize(Span<float> frame)
    {
        CheckLength(frame.Length);
        for (int c = 0; c < frame.Length; c++)
            frame[c] = (frame[c] - _meanF[c]) * _invStdF[c];
    }

    /// <summary>Normalises <paramref name="source"/> into <paramref name="destination"/>: y = (x − μ) / σ per channel.</summary>
    public void Normalize(ReadOnlySpan<float> source, Span<float> destination)
    {
        CheckLength(source.Length);
        CheckLength(destination.Length);
        for (int c = 0; c < source.Length; c++)
            destination[c] = (source[c] - _meanF[c]) * _invStdF[c];
    }

    /// <summary>
    /// The statistics as string metadata (for the safetensors header): <see cref="MeanKey"/>, <see cref="StdKey"/> and
    /// <see cref="CountKey"/>, floats written with the invariant culture in round-trip form.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToMetadata() => new Dictionary<string, string>
    {
        [MeanKey] = FormatList(_meanF),
        [StdKey] = FormatList(_stdF),
        [CountKey] = Count.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Reads statistics written by <see cref="ToMetadata"/> and returns a frozen normaliser.</summary>
    /// <exception cref="KeyNotFoundException"><see cref="MeanKey"/> or <see cref="StdKey"/> is missing.</exception>
    /// <exception cref="FormatException">A value is not a list of finite floats, the lists differ in length, a σ is not positive, or the count is not a non-negative integer.</exception>
    public static ZScoreNormalizer FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        float[] mean = ParseList(metadata, MeanKey);
        float[] std = ParseList(metadata, StdKey);
        if (mean.Length != std.Length)
            throw new FormatException($"Metadata '{MeanKey}' has {mean.Length} values but '{StdKey}' has {std.Length}.");
        for (int c = 0; c < std.Length; c++)
            if (!(std[c] > 0)) throw new FormatException($"Metadata '{StdKey}' value {c} is {std[c].ToString("R", CultureInfo.InvariantCulture)}; a standard deviation must be positive.");
        long count = 0;
        if (metadata.TryGetValue(CountKey, out string? countText) &&
            (!long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count)))
            throw new FormatException($"Metadata '{CountKey}' is '{countText}'; expected a non-negative integer.");
        return new ZScoreNormalizer(mean, std, count);
    }

    private void SetEffective(int c, double mean, double std)
    {
        float s = (float)std;
        if (!(s >= MinStd)) s = 1f;
        _meanF[c] = (float)mean;
        _stdF[c] = s;
        _invStdF[c] = 1f / s;
    }

    private void CheckLength(int length)
    {
        if (length != _mean.Length)
            throw new ArgumentException($"The normaliser has {_mean.Length} channels; the frame has {length}.");
    }

    private static string FormatList(ReadOnlySpan<float> values)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    private static float[] ParseList(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out string? text) || text is null)
            throw new KeyNotFoundException($"Metadata has no '{key}'; it is needed to restore the normaliser.");
        string body = text.Trim();
        if (body.StartsWith('[') && body.EndsWith(']')) body = body[1..^1];
        string[] parts = body.Split(',');
        if (body.Trim().Length == 0)
            throw new FormatException($"Metadata '{key}' is '{text}'; expected a non-empty list of floats such as [0.5,-1.25].");
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new FormatException($"Metadata '{key}' value {i} is '{parts[i].Trim()}'; expected a finite invariant-culture float.");
        }
        return values;
    }
}
