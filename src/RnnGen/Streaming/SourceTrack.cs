using System.Diagnostics;

namespace RnnGen.Streaming;

/// <summary>
/// The timeline of one <see cref="StreamSource"/> inside a <see cref="StreamResampler"/>: the accepted samples that
/// frames may still need, oldest first, as a piecewise-linear signal per channel. Samples leave as soon as no later
/// tick can use them. Every stored value is finite once resolved, so every frame is.
/// </summary>
internal sealed class SourceTrack
{
    private const byte HoleBefore = 1; // no signal between the previous entry and this one
    private const byte StartFlag = 2;  // first entry since the stream (re)started

    internal readonly int Offset;
    internal readonly int Channels;
    internal readonly bool AntiAlias;

    private readonly int _capacity;
    private readonly double[] _times;
    private readonly byte[] _flags;
    private readonly float[] _values;
    private int _head;
    private int _count;
    private long _appended;

    private readonly float[] _lastFinite;      // survives restarts: what a dead source holds (0 if never finite)
    private readonly double[] _lastFiniteTime; // NaN: no finite value since the stream (re)started
    private readonly long[] _pendingFrom;      // absolute index of the first entry waiting for channel c to be interpolated, or -1
    private readonly double[] _integral;
    private double _resolvedUntil;             // time of the newest entry with every channel known

    // A run of samples far before this source's timeline that agree with each other: a possible new timeline.
    private int _candidateCount;
    private double _candidateLast;

    internal SourceTrack(int offset, int channels, bool antiAlias, int capacity)
    {
        Offset = offset;
        Channels = channels;
        AntiAlias = antiAlias;
        _capacity = capacity;
        _times = new double[capacity];
        _flags = new byte[capacity];
        _values = new float[capacity * channels];
        _lastFinite = new float[channels];
        _lastFiniteTime = new double[channels];
        _pendingFrom = new long[channels];
        _integral = new double[channels];
        Clear();
    }

    /// <summary>True once a sample has been accepted since the stream (re)started.</summary>
    internal bool HasLast { get; private set; }

    /// <summary>Timestamp of the last accepted sample.</summary>
    internal double LastTime { get; private set; }

    internal int FreeSlots => _capacity - _count;

    /// <summary>The latest time up to which this source can decide ticks; −∞ when it holds nothing.</summary>
    internal double Reach => _count == 0 ? double.NegativeInfinity : _resolvedUntil;

    internal bool HasFinite(int channel) => !double.IsNaN(_lastFiniteTime[channel]);

    internal float LastFinite(int channel) => _lastFinite[channel];

    internal void Clear()
    {
        _head = 0;
        _count = 0;
        HasLast = false;
        LastTime = 0;
        _lastFiniteTime.AsSpan().Fill(double.NaN);
        _pendingFrom.AsSpan().Fill(-1);
        _resolvedUntil = double.NegativeInfinity;
        _candidateCount = 0;
    }

    /// <summary>
    /// Notes a sample dropped for lying far before this source's timeline. Returns how many such samples in a row agree
    /// with each other: each later than the one before and at most <paramref name="maxGap"/> after it.
    /// </summary>
    internal int NoteCandidate(double time, double maxGap)
    {
        _candidateCount = _candidateCount > 0 && time > _candidateLast && time - _candidateLast <= maxGap ? _candidateCount + 1 : 1;
        _candidateLast = time;
        return _candidateCount;
    }

    /// <summary>Forgets the candidate timeline (a sample consistent with the current one arrived).</summary>
    internal void ForgetCandidate() => _candidateCount = 0;

    /// <summary>Forgets the candidate timeline when a sample accepted at <paramref name="time"/> (by any source) contradicts it.</summary>
    internal void ContradictCandidate(double time, double maxGap)
    {
        if (_candidateCount > 0 && Math.Abs(time - _candidateLast) > maxGap) _candidateCount = 0;
    }

    /// <summary>
    /// Appends an accepted sample. A NaN value marks a channel to interpolate once its next finite value arrives
    /// (the caller has checked <see cref="HasFinite"/>); one missing for longer than <paramref name="maxGap"/> is held instead.
    /// </summary>
    internal void Append(double time, ReadOnlySpan<float> values, bool holeBefore, double maxGap)
    {
        long index = _appended++;
        int slot = (_head + _count) % _capacity;
        _count++;
        _times[slot] = time;
        _flags[slot] = HasLast ? (holeBefore ? HoleBefore : (byte)0) : (byte)(StartFlag | HoleBefore);
        Span<float> row = _values.AsSpan(slot * Channels, Channels);
        for (int c = 0; c < Channels; c++)
        {
            float v = values[c];
            if (float.IsFinite(v))
            {
                if (_pendingFrom[c] >= 0) ResolvePending(c, index, time, v, time - _lastFiniteTime[c] <= maxGap);
                row[c] = v;
                _lastFinite[c] = v;
                _lastFiniteTime[c] = time;
                continue;
            }
            // Only a channel with a finite value since the (re)start may be repaired; the resampler drops the rest.
            Debug.Assert(HasFinite(c), "a non-finite value with nothing to hold or interpolate from");
            if (time - _lastFiniteTime[c] > maxGap)
            {
                if (_pendingFrom[c] >= 0) ResolvePending(c, index, time, v, interpolate: false);
                row[c] = _lastFinite[c];
            }
            else
            {
                row[c] = float.NaN;
                if (_pendingFrom[c] < 0) _pendingFrom[c] = index;
            }
        }
        HasLast = true;
        LastTime = time;
        UpdateResolved();
    }

    /// <summary>Appends the last finite value of every channel at <paramref name="time"/>.</summary>
    internal void AppendHeld(double time, double maxGap) => Append(time, _lastFinite, holeBefore: false, maxGap);

    /// <summary>
    /// Writes channel <paramref name="c"/> of the waiting entries before <paramref name="end"/>: interpolated towards
    /// (time, value), or held. The weight is clamped to [0, 1], so every result lies between two finite values.
    /// </summary>
    private void ResolvePending(int c, long end, double time, float value, bool interpolate)
    {
        double t0 = _lastFiniteTime[c];
        double v0 = _lastFinite[c];
        double span = time - t0;
        long oldest = _appended - _count;
        for (long abs = _pendingFrom[c]; abs < end; abs++)
        {
            int slot = SlotOf(abs - oldest);
            _values[slot * Channels + c] = interpolate && span > 0
                ? (float)(v0 + (value - v0) * Math.Clamp((_times[slot] - t0) / span, 0, 1))
                : (float)v0; // held: value may be the non-finite one that ended the wait
        }
        _pendingFrom[c] = -1;
    }

    private void UpdateResolved()
    {
        long first = long.MaxValue;
        foreach (long p in _pendingFrom)
            if (p >= 0 && p < first) first = p;
        if (first == long.MaxValue)
        {
            _resolvedUntil = LastTime;
            return;
        }
        long oldest = _appended - _count;
        _resolvedUntil = first - 1 >= oldest ? _times[SlotOf(first - 1 - oldest)] : double.NegativeInfinity;
    }

    /// <summary>
    /// Whether the tick can be produced from this source, dropping samples that no tick from here on can need.
    /// On a skip, <paramref name="resumeAt"/> is the earliest time at which a tick can be produced again.
    /// </summary>
    internal TickStatus Status(double tick, double period, out double resumeAt)
    {
        resumeAt = 0;
        if (_count == 0 || _resolvedUntil < tick) return TickStatus.NotReady;
        double lead = AntiAlias ? period : 0;
        double windowStart = tick - lead;
        while (_count >= 2 && TimeAt(1) <= windowStart)
        {
            _head = SlotOf(1);
            _count--;
        }
        if (TimeAt(0) > windowStart)
        {
            resumeAt = TimeAt(0) + lead;
            return (_flags[_head] & StartFlag) != 0 ? TickStatus.SkipStartup : TickStatus.SkipGap;
        }
        for (int i = 1; i < _count && TimeAt(i - 1) < tick; i++)
        {
            if ((_flags[SlotOf(i)] & HoleBefore) != 0)
            {
                resumeAt = TimeAt(i) + lead;
                return TickStatus.SkipGap;
            }
        }
        return TickStatus.Ready;
    }

    /// <summary>
    /// Writes this source's channels of the frame at <paramref name="tick"/>, after <see cref="Status"/> said Ready.
    /// Point sampling: x(t) linearly interpolated. Anti-aliased: (1/P)·∫ x(t) dt over [tick − P, tick], the exact mean of the
    /// piecewise-linear signal over one output period P. Both are convex combinations of stored (finite) values: the
    /// interpolation weight is clamped to [0, 1] and the integral is divided by the length it covers, so rounding can
    /// never carry a result past the largest input (and a value near <see cref="float.MaxValue"/> never becomes ∞).
    /// </summary>
    internal void Evaluate(double tick, double period, Span<float> frame)
    {
        Span<float> dst = frame.Slice(Offset, Channels);
        if (!AntiAlias)
        {
            ReadOnlySpan<float> a = Row(0);
            double t0 = TimeAt(0);
            if (t0 == tick)
            {
                a.CopyTo(dst);
                return;
            }
            ReadOnlySpan<float> b = Row(1);
            double span = TimeAt(1) - t0; // 0 only for a held entry and its sample at one instant, never straddling a tick
            double w = span > 0 ? Math.Clamp((tick - t0) / span, 0, 1) : 1;
            for (int c = 0; c < Channels; c++)
                dst[c] = (float)(a[c] + (b[c] - (double)a[c]) * w);
            return;
        }

        double from = tick - period;
        Span<double> integral = _integral;
        integral.Clear();
        double covered = 0;
        for (int i = 0; i + 1 < _count && TimeAt(i) < tick; i++)
        {
            double t0 = TimeAt(i), t1 = TimeAt(i + 1);
            double lo = Math.Max(from, t0), hi = Math.Min(tick, t1);
            if (hi <= lo) continue;
            // Trapezoid over [lo, hi] is exact for a linear segment: (x(lo) + x(hi))/2 · (hi − lo).
            double wSum = (lo - t0 + (hi - t0)) / (t1 - t0);
            double half = 0.5 * (hi - lo);
            covered += hi - lo;
            ReadOnlySpan<float> a = Row(i), b = Row(i + 1);
            for (int c = 0; c < Channels; c++)
                integral[c] += (2.0 * a[c] + (b[c] - (double)a[c]) * wSum) * half;
        }
        if (!(covered > 0))
        {
            // Status guarantees samples spanning [tick − P, tick], so this cannot happen within the timestamp range;
            // should rounding ever empty the window, the nearest sample stands in rather than 0/0.
            Row(0).CopyTo(dst);
            return;
        }
        for (int c = 0; c < Channels; c++)
            dst[c] = (float)(integral[c] / covered);
    }

    /// <summary>Writes this source's channels held at their last finite values, for a tick it is too silent to give.</summary>
    internal void EvaluateHeld(Span<float> frame) => _lastFinite.AsSpan().CopyTo(frame.Slice(Offset, Channels));

    private int SlotOf(long relative) => (int)((_head + relative) % _capacity);

    private double TimeAt(int relative) => _times[SlotOf(relative)];

    private ReadOnlySpan<float> Row(int relative) => _values.AsSpan(SlotOf(relative) * Channels, Channels);
}
