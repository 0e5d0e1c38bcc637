namespace RnnGen.Streaming;

/// <summary>
/// Turns timestamped samples from one or more sensors, arriving irregularly (jitter, bursts, different rates), into
/// one fixed-rate stream of frames on a common clock, handling bad samples by <see cref="BadSampleHandling"/>.
/// Push samples as they arrive (timestamps in seconds, any origin, one clock for all sources), then read the frames
/// that became complete. Allocates nothing after construction. Not thread-safe: use it on one thread (the consumer
/// side of a <see cref="SpscRing{T}"/>).
/// </summary>
/// <remarks>
/// <para>
/// Output ticks are at <c>k / rate</c> seconds; the first is the first tick at or after the stream's first sample. Frame
/// k holds, for every source, the value of that source's signal at tick k, where the signal is the straight line
/// through consecutive accepted samples. A frame is emitted once every source has data at or beyond its tick, so a
/// slow or late source delays frames but never misaligns them; a source that falls more than
/// <see cref="BadSampleHandling.DeadSourceSeconds"/> behind the newest sample stops holding frames back, and its
/// channels hold their last values until it speaks again.
/// </para>
/// <para>
/// Decimation filter: a source whose nominal rate is above the output rate is not point-sampled but averaged over the
/// output period P before each tick: <c>y(k) = (1/P)·∫ x(t) dt</c> over <c>[k/rate − P, k/rate]</c>, computed exactly on
/// the piecewise-linear signal (a continuous-time box filter). Why a box filter rather than a longer windowed-sinc FIR:
/// it is exact for irregular timestamps with no intermediate fixed-rate grid; its response sin(πfP)/(πfP) has zeros
/// at every multiple of the output rate, exactly the frequencies that would alias onto 0 Hz; its weights are never
/// negative, so it cannot overshoot (a frame never leaves the range of the input, which keeps thresholds and
/// physical limits meaningful); it has unit gain at 0 Hz, delays by only P/2, and needs no state beyond the samples
/// of one period. Its limit: only about 3.9 dB of attenuation at half the output rate, so energy just below a null
/// still leaks; if a sensor carries strong content there, low-pass it in hardware or choose a higher output rate.
/// </para>
/// <para>
/// Each source is checked on its own timeline: a non-finite timestamp or value, a timestamp outside
/// <see cref="MaxTimestampSeconds"/>, a timestamp before or equal to the source's last accepted one, and an interval
/// longer than <see cref="BadSampleHandling.MaxGapSeconds"/> are each counted in <see cref="StreamCounters"/> and handled
/// by their policy (see <see cref="BadSamplePolicy"/>). Every frame is finite: non-finite values never reach one, and
/// interpolation and averaging never leave the range of the (finite) values they combine.
/// </para>
/// <para>
/// Bounded work: a <see cref="Push(int, double, ReadOnlySpan{float})"/> costs O(frames it emits + samples it releases),
/// at most about <c>outputCapacity</c> frames, whatever the timestamps. Ticks passing while the output buffer is full are
/// counted in <see cref="StreamCounters.Overruns"/> in one step, and a gap that would fill more ticks than the output
/// buffer holds restarts the stream instead (see <see cref="BadSampleHandling.Gap"/>).
/// </para>
/// </remarks>
public sealed class StreamResampler
{
    /// <summary>The lowest output or nominal input rate accepted: one sample per 1000 s.</summary>
    public const double MinRateHz = 1e-3;

    /// <summary>The highest output or nominal input rate accepted: 1 MHz.</summary>
    public const double MaxRateHz = 1e6;

    /// <summary>The largest output buffer, in frames.</summary>
    public const int MaxOutputCapacity = 1 << 20;

    /// <summary>The largest input buffer of one source, in samples.</summary>
    public const int MaxBufferSamples = 1 << 24;

    /// <summary>The most floats per frame (all sources' channels together).</summary>
    public const int MaxFrameSize = 1 << 16;

    /// <summary>The most floats one buffer (a source's input buffer, or the output buffer) may hold: 2^28, 1 GiB.</summary>
    public const long MaxBufferFloats = 1L << 28;

    /// <summary>
    /// |timestamp| × the fastest rate may not exceed 2^42. Within it a double resolves every timestamp to better than
    /// 2^-10 of the shortest nominal interval, and every tick index fits a long with room to spare.
    /// </summary>
    private const double MaxTickMagnitude = 4_398_046_511_104; // 2^42

    private readonly SourceTrack[] _tracks;
    private readonly bool[] _held;
    private readonly BadSampleHandling _policies;
    private readonly double _deadSourceSeconds;
    private readonly float[] _scratch;
    private readonly float[] _frames;
    private readonly FrameStamp[] _stamps;
    private int _frameHead;
    private int _frameCount;
    private bool _started;
    private long _tick;
    private double _newest = double.NegativeInfinity;
    private double _startTime = double.NegativeInfinity; // the first sample's time since the stream (re)started
    private bool _framesSinceRestart;
    private bool _pendingReset;

    /// <summary>Creates a resampler merging <paramref name="sources"/> into frames at <paramref name="outputRateHz"/>.</summary>
    /// <param name="outputRateHz">Frames per second of the output, from <see cref="MinRateHz"/> to <see cref="MaxRateHz"/>.</param>
    /// <param name="sources">The sensors, in frame order. Source i's channels follow those of sources 0..i−1.</param>
    /// <param name="policies">Bad-sample handling; null for the defaults.</param>
    /// <param name="outputCapacity">
    /// Frames held until read, 1 to <see cref="MaxOutputCapacity"/>. Read them after every push; a push that completes
    /// more (for example when filling a gap by HoldLast or Interpolate) loses the excess, counted in <see cref="StreamCounters.Overruns"/>.
    /// </param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate, size or policy value is outside its documented range; the message gives the range.</exception>
    /// <exception cref="ArgumentException">No source, a null source, or a policy not allowed for its reason.</exception>
    public StreamResampler(double outputRateHz, IReadOnlyList<StreamSource> sources, BadSampleHandling? policies = null, int outputCapacity = 256, StreamCounters? counters = null)
    {
        if (!(outputRateHz >= MinRateHz && outputRateHz <= MaxRateHz))
            throw new ArgumentOutOfRangeException(nameof(outputRateHz), outputRateHz, RateRangeText("The output rate"));
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("At least one source is needed.", nameof(sources));
        if (outputCapacity is < 1 or > MaxOutputCapacity)
            throw new ArgumentOutOfRangeException(nameof(outputCapacity), outputCapacity, $"The output buffer holds 1 to {MaxOutputCapacity} frames.");
        _policies = policies ?? new BadSampleHandling();
        _policies.Validate();
        _deadSourceSeconds = _policies.EffectiveDeadSourceSeconds;

        long frameSize = 0;
        double fastest = outputRateHz;
        for (int i = 0; i < sources.Count; i++)
        {
            StreamSource s = sources[i] ?? throw new ArgumentException($"Source {i} is null.", nameof(sources));
            frameSize += s.ChannelCount;
            fastest = Math.Max(fastest, s.NominalRateHz);
        }
        if (frameSize > MaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(sources), frameSize, $"The sources have {frameSize} channels in all; a frame holds at most {MaxFrameSize}.");
        if (outputCapacity * frameSize > MaxBufferFloats)
            throw new ArgumentOutOfRangeException(nameof(outputCapacity), outputCapacity,
                $"{outputCapacity} frames of {frameSize} floats exceed the {MaxBufferFloats}-float limit of a buffer; at most {MaxBufferFloats / frameSize} frames fit.");

        OutputRateHz = outputRateHz;
        Period = 1.0 / outputRateHz;
        MaxTimestampSeconds = MaxTickMagnitude / fastest;
        _tracks = new SourceTrack[sources.Count];
        int offset = 0, widest = 0;
        for (int i = 0; i < sources.Count; i++)
        {
            StreamSource s = sources[i];
            int capacity = s.BufferSamples > 0 ? s.BufferSamples : DefaultBufferSamples(s, i);
            if ((long)capacity * s.ChannelCount > MaxBufferFloats)
                throw new ArgumentOutOfRangeException(nameof(sources), capacity,
                    $"Source {i}: {capacity} samples of {s.ChannelCount} floats exceed the {MaxBufferFloats}-float limit of a buffer; give it a smaller bufferSamples.");
            _tracks[i] = new SourceTrack(offset, s.ChannelCount, s.NominalRateHz > outputRateHz, capacity);
            offset += s.ChannelCount;
            widest = Math.Max(widest, s.ChannelCount);
        }
        FrameSize = offset;
        _held = new bool[sources.Count];
        _scratch = new float[widest];
        _frames = new float[outputCapacity * offset];
        _stamps = new FrameStamp[outputCapacity];
        Counters = counters ?? new StreamCounters();
    }

    /// <summary>Creates a resampler for a single sensor.</summary>
    /// <param name="outputRateHz">Frames per second of the output, from <see cref="MinRateHz"/> to <see cref="MaxRateHz"/>.</param>
    /// <param name="channelCount">Floats per sample.</param>
    /// <param name="inputRateHz">The sensor's nominal rate (chooses decimation filtering when above the output rate).</param>
    /// <param name="policies">Bad-sample handling; null for the defaults.</param>
    /// <param name="outputCapacity">Frames held until read, 1 to <see cref="MaxOutputCapacity"/>.</param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    /// <exception cref="ArgumentOutOfRangeException">A rate, size or policy value is outside its documented range; the message gives the range.</exception>
    public StreamResampler(double outputRateHz, int channelCount, double inputRateHz, BadSampleHandling? policies = null, int outputCapacity = 256, StreamCounters? counters = null)
        : this(outputRateHz, new[] { new StreamSource(channelCount, inputRateHz) }, policies, outputCapacity, counters)
    {
    }

    /// <summary>Output frames per second.</summary>
    public double OutputRateHz { get; }

    /// <summary>The output period P = 1 / <see cref="OutputRateHz"/>, in seconds.</summary>
    public double Period { get; }

    /// <summary>
    /// The largest |timestamp| accepted: 2^42 divided by the fastest rate (output or nominal input). Beyond it a double
    /// cannot resolve sample intervals to 2^-10 of the shortest one, so samples there are dropped and counted as
    /// <see cref="BadSampleReason.TimestampOutOfRange"/> rather than resampled inaccurately. Unix time in seconds fits up to
    /// about 2 kHz; for faster sensors (or nanosecond clocks) pass seconds since a recent epoch, such as the program's start.
    /// </summary>
    public double MaxTimestampSeconds { get; }

    /// <summary>Floats per output frame: the sum of the sources' channel counts.</summary>
    public int FrameSize { get; }

    /// <summary>Number of sources.</summary>
    public int SourceCount => _tracks.Length;

    /// <summary>Index of source <paramref name="source"/>'s first channel in a frame.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not in [0, <see cref="SourceCount"/>).</exception>
    public int ChannelOffset(int source) => Track(source).Offset;

    /// <summary>True when source <paramref name="source"/> is decimated with the anti-aliasing box filter.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not in [0, <see cref="SourceCount"/>).</exception>
    public bool IsDecimated(int source) => Track(source).AntiAlias;

    /// <summary>The bad-sample policies in force.</summary>
    public BadSampleHandling Policies => _policies;

    /// <summary>The counters this resampler writes.</summary>
    public StreamCounters Counters { get; }

    /// <summary>Frames waiting to be read.</summary>
    public int AvailableFrames => _frameCount;

    /// <summary>Pushes a sample of the only (or first) source. See <see cref="Push(int, double, ReadOnlySpan{float})"/>.</summary>
    public SampleOutcome Push(double timestamp, ReadOnlySpan<float> values) => Push(0, timestamp, values);

    /// <summary>
    /// Pushes one sample of <paramref name="source"/>, checks it, and turns every tick that became complete into a frame.
    /// Costs O(frames emitted + samples released), never more than about the output capacity in frames.
    /// </summary>
    /// <param name="source">Index of the source in the constructor's list.</param>
    /// <param name="timestamp">Sample time in seconds, on the clock shared by all sources, within ±<see cref="MaxTimestampSeconds"/>.</param>
    /// <param name="values">The source's channel values (<see cref="StreamSource.ChannelCount"/> floats).</param>
    /// <returns>What was done with the sample.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="source"/> is not in [0, <see cref="SourceCount"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> does not hold the source's channel count; nothing changes.</exception>
    public SampleOutcome Push(int source, double timestamp, ReadOnlySpan<float> values)
    {
        SourceTrack track = Track(source);
        if (values.Length != track.Channels)
            throw new ArgumentException($"Source {source} has {track.Channels} channels; got {values.Length} values.", nameof(values));

        // 1. The timestamp on its own.
        if (!double.IsFinite(timestamp))
        {
            Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
            if (_policies.NonFinite != BadSamplePolicy.ResetState) return SampleOutcome.Dropped;
            Restart();
            return SampleOutcome.Restarted;
        }
        if (Math.Abs(timestamp) > MaxTimestampSeconds)
        {
            Counters.CountBad(BadSampleReason.TimestampOutOfRange, dropped: true);
            return SampleOutcome.Dropped;
        }

        // 2. Its place on the source's timeline. A far-back sample may start a new timeline (a reset sensor clock).
        SampleOutcome outcome = SampleOutcome.Accepted;
        if (track.HasLast && timestamp <= track.LastTime)
        {
            BadSampleReason reason = timestamp < track.LastTime ? BadSampleReason.OutOfOrder : BadSampleReason.Duplicate;
            if (_policies.For(reason) == BadSamplePolicy.Drop)
            {
                if (!IsClockJump(track, timestamp, reason))
                {
                    Counters.CountBad(reason, dropped: true);
                    return SampleOutcome.Dropped;
                }
                Counters.CountReanchor();
            }
            Counters.CountBad(reason, dropped: false);
            Restart();
            outcome = SampleOutcome.Restarted;
        }

        // 3. The interval since the source's last sample. A restart happens now, so that the values below are judged
        // against the stream as it will continue (after a restart nothing is left to hold or interpolate from).
        BadSamplePolicy gap = BadSamplePolicy.Drop;
        bool isGap = track.HasLast && timestamp - track.LastTime > _policies.MaxGapSeconds;
        if (isGap)
        {
            gap = _policies.Gap;
            // Filling would make more frames than the output buffer holds, one tick at a time: restart instead.
            if (gap is BadSamplePolicy.HoldLast or BadSamplePolicy.Interpolate && (timestamp - track.LastTime) * OutputRateHz > _stamps.Length)
                gap = BadSamplePolicy.ResetState;
            if (gap == BadSamplePolicy.ResetState)
            {
                Counters.CountBad(BadSampleReason.Gap, dropped: false);
                Restart();
                outcome = SampleOutcome.Restarted;
                isGap = false;
            }
        }

        // 4. The values.
        Span<float> sample = _scratch.AsSpan(0, track.Channels);
        values.CopyTo(sample);
        if (!AllFinite(values))
        {
            switch (_policies.NonFinite)
            {
                case BadSamplePolicy.Drop:
                    Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
                    return outcome == SampleOutcome.Restarted ? outcome : SampleOutcome.Dropped;
                case BadSamplePolicy.ResetState:
                    Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
                    Restart();
                    return SampleOutcome.Restarted;
                default:
                    for (int c = 0; c < sample.Length; c++)
                    {
                        if (float.IsFinite(sample[c])) continue;
                        if (!track.HasFinite(c))
                        {
                            // Nothing to hold or to interpolate from (yet, or since the restart).
                            Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
                            return outcome == SampleOutcome.Restarted ? outcome : SampleOutcome.Dropped;
                        }
                        sample[c] = _policies.NonFinite == BadSamplePolicy.HoldLast ? track.LastFinite(c) : float.NaN;
                    }
                    Counters.CountBad(BadSampleReason.NonFinite, dropped: false);
                    if (outcome == SampleOutcome.Accepted) outcome = SampleOutcome.Repaired;
                    break;
            }
        }

        bool holdAcrossGap = isGap && gap == BadSamplePolicy.HoldLast;
        if (track.FreeSlots < (holdAcrossGap ? 2 : 1))
        {
            Counters.CountOverrun();
            return SampleOutcome.Overrun;
        }
        if (isGap)
        {
            // Counted here, with the sample that ends it, so a gap ended by a dropped sample is not counted twice.
            Counters.CountBad(BadSampleReason.Gap, dropped: false);
            if (outcome == SampleOutcome.Accepted) outcome = SampleOutcome.Repaired;
        }

        if (!_started)
        {
            _started = true;
            _startTime = timestamp;
            _tick = CeilTick(timestamp);
        }
        if (holdAcrossGap)
        {
            // The values from before the gap, stamped at the end of the gap: the signal is flat across it.
            track.AppendHeld(timestamp, _policies.MaxGapSeconds);
        }
        track.Append(timestamp, sample, holeBefore: isGap && gap == BadSamplePolicy.Drop, _policies.MaxGapSeconds);
        Accepted(track, timestamp);
        Produce();
        return outcome;
    }

    /// <summary>Takes the oldest complete frame.</summary>
    /// <param name="frame">Receives <see cref="FrameSize"/> floats.</param>
    /// <param name="stamp">The frame's tick, time and restart flag.</param>
    /// <returns>False when no frame is waiting.</returns>
    public bool TryRead(Span<float> frame, out FrameStamp stamp)
    {
        if (_frameCount == 0)
        {
            stamp = default;
            return false;
        }
        if (frame.Length < FrameSize) throw new ArgumentException($"The frame needs {FrameSize} floats.", nameof(frame));
        _frames.AsSpan(_frameHead * FrameSize, FrameSize).CopyTo(frame);
        stamp = _stamps[_frameHead];
        _frameHead = (_frameHead + 1) % _stamps.Length;
        _frameCount--;
        return true;
    }

    /// <summary>
    /// Starts the stream afresh: every source forgets its samples, the clock restarts at the next sample, and the next
    /// frame carries <see cref="FrameStamp.ResetBefore"/> if any frame was emitted before. Frames already complete stay readable.
    /// </summary>
    public void Restart()
    {
        foreach (SourceTrack t in _tracks) t.Clear();
        _started = false;
        _newest = double.NegativeInfinity;
        if (_framesSinceRestart) _pendingReset = true;
        _framesSinceRestart = false;
        Counters.CountRestart();
    }

    internal static string RateRangeText(string what) =>
        FormattableString.Invariant($"{what} must be a finite rate from {MinRateHz} to {MaxRateHz} Hz.");

    private SourceTrack Track(int source) =>
        (uint)source < (uint)_tracks.Length
            ? _tracks[source]
            : throw new ArgumentOutOfRangeException(nameof(source), source, $"The source index must be in [0, {_tracks.Length}).");

    private int DefaultBufferSamples(StreamSource s, int index)
    {
        double seconds = 2 * Math.Max(0.5, _policies.MaxGapSeconds) + (double.IsFinite(_deadSourceSeconds) ? _deadSourceSeconds : 0);
        double samples = Math.Ceiling(s.NominalRateHz * seconds) + 8;
        if (samples > MaxBufferSamples)
            throw new ArgumentOutOfRangeException("sources", samples,
                FormattableString.Invariant($"Source {index}: its default input buffer ({s.NominalRateHz} Hz × {seconds} s, from MaxGapSeconds and DeadSourceSeconds) would hold {samples} samples, more than {MaxBufferSamples}; lower MaxGapSeconds or DeadSourceSeconds, or give the source an explicit bufferSamples."));
        return (int)samples;
    }

    /// <summary>
    /// Whether a far-back sample completes a run of <see cref="BadSampleHandling.ReanchorAfterSamples"/> that agree on a
    /// new timeline. A sample within <see cref="BadSampleHandling.MaxGapSeconds"/> of the source's timeline is ordinary
    /// lateness and ends any run.
    /// </summary>
    private bool IsClockJump(SourceTrack track, double timestamp, BadSampleReason reason)
    {
        int needed = _policies.ReanchorAfterSamples;
        if (needed == 0 || reason != BadSampleReason.OutOfOrder || track.LastTime - timestamp <= _policies.MaxGapSeconds)
        {
            track.ForgetCandidate();
            return false;
        }
        return track.NoteCandidate(timestamp, _policies.MaxGapSeconds) >= needed;
    }

    /// <summary>After a sample is stored: the stream's clock advances, and the sample contradicts far-off candidate timelines.</summary>
    private void Accepted(SourceTrack track, double timestamp)
    {
        _newest = Math.Max(_newest, timestamp);
        foreach (SourceTrack t in _tracks)
        {
            if (t == track) t.ForgetCandidate();
            else t.ContradictCandidate(timestamp, _policies.MaxGapSeconds);
        }
    }

    private void Produce()
    {
        // A source whose data end more than DeadSourceSeconds before the newest sample is dead: it no longer holds frames
        // back, and its channels are held until it speaks again. Before it is declared dead, ticks up to the deadline are
        // the only ones not waited for.
        double deadline = _tracks.Length > 1 ? _newest - _deadSourceSeconds : double.NegativeInfinity;
        while (_started)
        {
            double time = _tick / OutputRateHz;
            bool skip = false, countSkip = false, anyHeld = false;
            double resumeAt = double.NegativeInfinity;
            for (int i = 0; i < _tracks.Length; i++)
            {
                TickStatus status = _tracks[i].Status(time, Period, out double resume);
                _held[i] = false;
                if (status == TickStatus.NotReady)
                {
                    // A source that has not spoken since the stream started counts as last heard at its start.
                    double lastHeard = double.IsFinite(_tracks[i].Reach) ? _tracks[i].Reach : _startTime;
                    if (!(time <= deadline) && !(lastHeard < deadline)) return;
                    _held[i] = anyHeld = true;
                    continue;
                }
                if (status == TickStatus.Ready) continue;
                skip = true;
                countSkip |= status == TickStatus.SkipGap;
                resumeAt = Math.Max(resumeAt, resume);
            }

            if (skip)
            {
                long next = Math.Max(_tick + 1, CeilTick(resumeAt));
                if (countSkip) Counters.CountSkippedFrames(next - _tick);
                _tick = next;
                continue;
            }

            if (_frameCount == _stamps.Length)
            {
                DiscardDecidedTicks(deadline);
                return;
            }

            int slot = (_frameHead + _frameCount) % _stamps.Length;
            Span<float> frame = _frames.AsSpan(slot * FrameSize, FrameSize);
            for (int i = 0; i < _tracks.Length; i++)
            {
                if (_held[i]) _tracks[i].EvaluateHeld(frame);
                else _tracks[i].Evaluate(time, Period, frame);
            }
            _stamps[slot] = new FrameStamp(_tick, time, _pendingReset);
            _frameCount++;
            _pendingReset = false;
            _framesSinceRestart = true;
            Counters.CountFrame();
            if (anyHeld) Counters.CountDeadSourceFrame();
            _tick++;
        }
    }

    /// <summary>
    /// The output buffer is full: every tick the data already decide would be lost. They are counted as overruns in one
    /// step (ticks inside gaps among them too) rather than visited one by one, which could take as long as the gap.
    /// </summary>
    private void DiscardDecidedTicks(double deadline)
    {
        double horizon = double.PositiveInfinity;
        foreach (SourceTrack track in _tracks)
            horizon = Math.Min(horizon, Math.Max(track.Reach, deadline));
        if (!double.IsFinite(horizon)) return; // cannot happen (the current tick is decided), but must never loop
        long last = (long)Math.Floor(horizon * OutputRateHz);
        while ((last + 1) / OutputRateHz <= horizon) last++;
        while (last / OutputRateHz > horizon) last--;
        if (last < _tick) return;
        Counters.CountOverruns(last - _tick + 1);
        _tick = last + 1;
    }

    // The first tick at or after t. The small allowance keeps a timestamp that is a whole number of periods, but
    // computed with rounding error just above it, on its own tick.
    private long CeilTick(double t) => (long)Math.Ceiling(t * OutputRateHz - 1e-9);

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
