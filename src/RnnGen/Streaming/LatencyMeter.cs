using System.Diagnostics;

namespace RnnGen.Streaming;

/// <summary>
/// Latency statistics of a repeated operation, in <see cref="Stopwatch"/> ticks, with no allocation after construction.
/// Keeps the all-time count, mean and maximum, and the last <see cref="WindowSize"/> durations, over which percentiles
/// are exact (nearest rank). A sliding window rather than a whole-run histogram: in a real-time loop the question is
/// how the recent steps behave, and a start-up hiccup should age out.
/// </summary>
public sealed class LatencyMeter
{
    private readonly long[] _window;
    private readonly long[] _sorted;
    private int _next;
    private long _totalTicks;

    /// <summary>The most durations a meter keeps.</summary>
    public const int MaxWindowSize = 1 << 20;

    /// <summary>Creates a meter keeping the last <paramref name="windowSize"/> durations, 1 to <see cref="MaxWindowSize"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windowSize"/> is out of range.</exception>
    public LatencyMeter(int windowSize = 1024)
    {
        if (windowSize is < 1 or > MaxWindowSize) throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, $"The window keeps 1 to {MaxWindowSize} durations.");
        _window = new long[windowSize];
        _sorted = new long[windowSize];
    }

    /// <summary>Durations kept for percentiles.</summary>
    public int WindowSize => _window.Length;

    /// <summary>Durations recorded since construction or <see cref="Clear"/>.</summary>
    public long Count { get; private set; }

    /// <summary>Longest duration recorded, in ticks.</summary>
    public long MaxTicks { get; private set; }

    /// <summary>Mean duration in ticks: Σ duration / <see cref="Count"/> (0 when empty).</summary>
    public double MeanTicks => Count == 0 ? 0 : (double)_totalTicks / Count;

    /// <summary>The current <see cref="Stopwatch.GetTimestamp"/>; pass it to <see cref="Stop"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Records the time since <paramref name="startTimestamp"/> (from <see cref="Start"/>).</summary>
    public void Stop(long startTimestamp) => Record(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>Records one duration in <see cref="Stopwatch"/> ticks.</summary>
    public void Record(long elapsedTicks)
    {
        if (elapsedTicks < 0) elapsedTicks = 0;
        _window[_next] = elapsedTicks;
        _next = _next + 1 == _window.Length ? 0 : _next + 1;
        Count++;
        _totalTicks += elapsedTicks;
        if (elapsedTicks > MaxTicks) MaxTicks = elapsedTicks;
    }

    /// <summary>
    /// The q-quantile of the kept durations by nearest rank: the ⌈q·n⌉-th smallest (the smallest for q = 0), in ticks;
    /// 0 when empty. Sorts a copy of the window: O(n log n), meant for reporting, not for every step.
    /// </summary>
    /// <param name="quantile">q in [0, 1], e.g. 0.99.</param>
    public long PercentileTicks(double quantile)
    {
        int n = SortWindow();
        return n == 0 ? 0 : _sorted[RankIndex(quantile, n)];
    }

    /// <summary>Count, mean, p50, p99, window maximum and all-time maximum, in microseconds; one sort for all of them.</summary>
    public LatencySnapshot Snapshot()
    {
        int n = SortWindow();
        return new LatencySnapshot(
            Count,
            ToMicroseconds(MeanTicks),
            n == 0 ? 0 : ToMicroseconds(_sorted[RankIndex(0.5, n)]),
            n == 0 ? 0 : ToMicroseconds(_sorted[RankIndex(0.99, n)]),
            n == 0 ? 0 : ToMicroseconds(_sorted[n - 1]),
            ToMicroseconds(MaxTicks));
    }

    /// <summary>Forgets everything recorded.</summary>
    public void Clear()
    {
        _next = 0;
        Count = 0;
        _totalTicks = 0;
        MaxTicks = 0;
    }

    /// <summary>Converts <see cref="Stopwatch"/> ticks to microseconds: ticks · 10⁶ / <see cref="Stopwatch.Frequency"/>.</summary>
    public static double ToMicroseconds(double ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private int SortWindow()
    {
        int n = (int)Math.Min(Count, _window.Length);
        Span<long> sorted = _sorted.AsSpan(0, n);
        _window.AsSpan(0, n).CopyTo(sorted);
        sorted.Sort();
        return n;
    }

    private static int RankIndex(double quantile, int n)
    {
        if (!(quantile >= 0 && quantile <= 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "The quantile must be in [0, 1].");
        return Math.Max(0, (int)Math.Ceiling(quantile * n) - 1);
    }
}
