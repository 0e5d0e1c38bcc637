namespace RnnGen.Streaming;

/// <summary>
/// Turns timestamped samples from one or more sensors, arriving irregularly (jitter, bursts, different rates), into
/// one fixed-rate stream of frames on a common clock, handling bad samples by <see cref="BadSamplePolicies"/>.
/// Push samples as they arrive (timestamps in seconds, any origin, one clock for all sources), then read the frames
/// that became complete. Allocates nothing after construction. Not thread-safe: use it on one thread (the consumer
/// side of a <see cref="SpscRing{T}"/>).
/// </summary>
/// <remarks>
/// <para>
/// Output ticks are at <c>k / rate</c> seconds; the first is the first tick at or after the stream's first sample. Frame
/// k holds, for every source, the value of that source's signal at tick k, where the signal is the straight line
/// through consecutive accepted samples. A frame is emitted once every source has data at or beyond its tick, so a
/// slow or late source delays frames (bounded by its buffer) but never misaligns them.
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
/// Each source is checked on its own timeline: a non-finite timestamp or value, a timestamp before or equal to the
/// source's last accepted one, and an interval longer than <see cref="BadSamplePolicies.MaxGapSeconds"/> are each
/// counted in <see cref="StreamCounters"/> and handled by their policy (see <see cref="BadSamplePolicy"/>). Non-finite
/// values never reach a frame.
/// </para>
/// </remarks>
public sealed class StreamResampler
{
    private readonly SourceTrack[] _tracks;
    private readonly BadSamplePolicies _policies;
    private readonly float[] _scratch;
    private readonly float[] _frames;
    private readonly FrameStamp[] _stamps;
    private int _frameHead;
    private int _frameCount;
    private bool _started;
    private long _tick;
    private bool _framesSinceRestart;
    private bool _pendingReset;

    /// <summary>Creates a resampler merging <paramref name="sources"/> into frames at <paramref name="outputRateHz"/>.</summary>
    /// <param name="outputRateHz">Frames per second of the output.</param>
    /// <param name="sources">The sensors, in frame order. Source i's channels follow those of sources 0..i−1.</param>
    /// <param name="policies">Bad-sample handling; null for the defaults.</param>
    /// <param name="outputCapacity">
    /// Frames held until read. Read them after every push; a push that completes more (for example when filling a long
    /// gap by HoldLast or Interpolate) loses the excess, counted in <see cref="StreamCounters.Overruns"/>.
    /// </param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    public StreamResampler(double outputRateHz, IReadOnlyList<StreamSource> sources, BadSamplePolicies? policies = null, int outputCapacity = 256, StreamCounters? counters = null)
    {
        if (!(outputRateHz > 0) || double.IsInfinity(outputRateHz))
            throw new ArgumentOutOfRangeException(nameof(outputRateHz), outputRateHz, "The output rate must be a positive finite number of hertz.");
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("At least one source is needed.", nameof(sources));
        if (outputCapacity < 1) throw new ArgumentOutOfRangeException(nameof(outputCapacity), outputCapacity, "Capacity must be at least one frame.");
        _policies = policies ?? new BadSamplePolicies();
        _policies.Validate();

        OutputRateHz = outputRateHz;
        Period = 1.0 / outputRateHz;
        _tracks = new SourceTrack[sources.Count];
        int offset = 0, widest = 0;
        for (int i = 0; i < sources.Count; i++)
        {
            StreamSource s = sources[i] ?? throw new ArgumentException($"Source {i} is null.", nameof(sources));
            int capacity = s.BufferSamples > 0
                ? s.BufferSamples
                : (int)Math.Ceiling(2 * s.NominalRateHz * Math.Max(0.5, _policies.MaxGapSeconds)) + 8;
            _tracks[i] = new SourceTrack(offset, s.ChannelCount, s.NominalRateHz > outputRateHz, Math.Max(capacity, 4));
            offset += s.ChannelCount;
            widest = Math.Max(widest, s.ChannelCount);
        }
        FrameSize = offset;
        _scratch = new float[widest];
        _frames = new float[outputCapacity * offset];
        _stamps = new FrameStamp[outputCapacity];
        Counters = counters ?? new StreamCounters();
    }

    /// <summary>Creates a resampler for a single sensor.</summary>
    /// <param name="outputRateHz">Frames per second of the output.</param>
    /// <param name="channelCount">Floats per sample.</param>
    /// <param name="inputRateHz">The sensor's nominal rate (chooses decimation filtering when above the output rate).</param>
    /// <param name="policies">Bad-sample handling; null for the defaults.</param>
    /// <param name="outputCapacity">Frames held until read.</param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    public StreamResampler(double outputRateHz, int channelCount, double inputRateHz, BadSamplePolicies? policies = null, int outputCapacity = 256, StreamCounters? counters = null)
        : this(outputRateHz, new[] { new StreamSource(channelCount, inputRateHz) }, policies, outputCapacity, counters)
    {
    }

    /// <summary>Output frames per second.</summary>
    public double OutputRateHz { get; }

    /// <summary>The output period P = 1 / <see cref="OutputRateHz"/>, in seconds.</summary>
    public double Period { get; }

    /// <summary>Floats per output frame: the sum of the sources' channel counts.</summary>
    public int FrameSize { get; }

    /// <summary>Number of sources.</summary>
    public int SourceCount => _tracks.Length;

    /// <summary>Index of source <paramref name="source"/>'s first channel in a frame.</summary>
    public int ChannelOffset(int source) => _tracks[source].Offset;

    /// <summary>True when source <paramref name="source"/> is decimated with the anti-aliasing box filter.</summary>
    public bool IsDecimated(int source) => _tracks[source].AntiAlias;

    /// <summary>The bad-sample policies in force.</summary>
    public BadSamplePolicies Policies => _policies;

    /// <summary>The counters this resampler writes.</summary>
    public StreamCounters Counters { get; }

    /// <summary>Frames waiting to be read.</summary>
    public int AvailableFrames => _frameCount;

    /// <summary>Pushes a sample of the only (or first) source. See <see cref="Push(int, double, ReadOnlySpan{float})"/>.</summary>
    public SampleOutcome Push(double timestamp, ReadOnlySpan<float> values) => Push(0, timestamp, values);

    /// <summary>
    /// Pushes one sample of <paramref name="source"/>, checks it, and turns every tick that became complete into a frame.
    /// </summary>
    /// <param name="source">Index of the source in the constructor's list.</param>
    /// <param name="timestamp">Sample time in seconds, on the clock shared by all sources.</param>
    /// <param name="values">The source's channel values (<see cref="StreamSource.ChannelCount"/> floats).</param>
    /// <returns>What was done with the sample.</returns>
    public SampleOutcome Push(int source, double timestamp, ReadOnlySpan<float> values)
    {
        SourceTrack track = _tracks[source];
        if (values.Length != track.Channels)
            throw new ArgumentException($"Source {source} has {track.Channels} channels; got {values.Length} values.", nameof(values));

        SampleOutcome outcome = SampleOutcome.Accepted;
        if (!double.IsFinite(timestamp))
        {
            bool reset = _policies.NonFinite == BadSamplePolicy.ResetState;
            Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
            if (!reset) return SampleOutcome.Dropped;
            Restart();
            return SampleOutcome.Restarted;
        }

        if (track.HasLast && timestamp <= track.LastTime)
        {
            BadSampleReason reason = timestamp < track.LastTime ? BadSampleReason.OutOfOrder : BadSampleReason.Duplicate;
            if (_policies.For(reason) == BadSamplePolicy.Drop)
            {
                Counters.CountBad(reason, dropped: true);
                return SampleOutcome.Dropped;
            }
            Counters.CountBad(reason, dropped: false);
            Restart();
            outcome = SampleOutcome.Restarted;
        }

        Span<float> sample = _scratch.AsSpan(0, track.Channels);
        values.CopyTo(sample);
        if (!AllFinite(values))
        {
            switch (_policies.NonFinite)
            {
                case BadSamplePolicy.Drop:
                    Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
                    return SampleOutcome.Dropped;
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
                            // Nothing to hold or to interpolate from yet.
                            Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
                            return SampleOutcome.Dropped;
                        }
                        sample[c] = _policies.NonFinite == BadSamplePolicy.HoldLast ? track.LastFinite(c) : float.NaN;
                    }
                    Counters.CountBad(BadSampleReason.NonFinite, dropped: false);
                    if (outcome == SampleOutcome.Accepted) outcome = SampleOutcome.Repaired;
                    break;
            }
        }

        bool hole = false, holdAcrossGap = false;
        if (track.HasLast && timestamp - track.LastTime > _policies.MaxGapSeconds)
        {
            Counters.CountBad(BadSampleReason.Gap, dropped: false);
            switch (_policies.Gap)
            {
                case BadSamplePolicy.Drop: hole = true; break;
                case BadSamplePolicy.HoldLast: holdAcrossGap = true; break;
                case BadSamplePolicy.ResetState: Restart(); break;
            }
            outcome = _policies.Gap == BadSamplePolicy.ResetState ? SampleOutcome.Restarted : SampleOutcome.Repaired;
        }

        if (track.FreeSlots < (holdAcrossGap ? 2 : 1))
        {
            Counters.CountOverrun();
            return SampleOutcome.Overrun;
        }

        if (!_started)
        {
            _started = true;
            _tick = CeilTick(timestamp);
        }
        if (holdAcrossGap)
        {
            // The values from before the gap, stamped at the end of the gap: the signal is flat across it.
            track.AppendHeld(timestamp, _policies.MaxGapSeconds);
        }
        track.Append(timestamp, sample, hole, _policies.MaxGapSeconds);
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
        if (_framesSinceRestart) _pendingReset = true;
        _framesSinceRestart = false;
        Counters.CountRestart();
    }

    private void Produce()
    {
        while (_started)
        {
            double time = _tick / OutputRateHz;
            bool skip = false, countSkip = false;
            double resumeAt = double.NegativeInfinity;
            foreach (SourceTrack track in _tracks)
            {
                TickStatus status = track.Status(time, Period, out double resume);
                if (status == TickStatus.NotReady) return;
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
                Counters.CountOverrun();
            }
            else
            {
                int slot = (_frameHead + _frameCount) % _stamps.Length;
                Span<float> frame = _frames.AsSpan(slot * FrameSize, FrameSize);
                foreach (SourceTrack track in _tracks) track.Evaluate(time, Period, frame);
                _stamps[slot] = new FrameStamp(_tick, time, _pendingReset);
                _frameCount++;
                _pendingReset = false;
                _framesSinceRestart = true;
                Counters.CountFrame();
            }
            _tick++;
        }
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
