using System.Diagnostics;
using RnnGen.Training;

namespace RnnGen.Streaming;

/// <summary>
/// Runs a model on a stream of fixed-rate frames: per frame with a stateful <see cref="IStepModel.Step"/> (or the Step
/// of a model's inference copy, <see cref="IStepInference"/>), or every S frames with <see cref="ISequenceModel.Forward"/>
/// over a sliding window of T frames; then optionally smooths the
/// output row with an <see cref="EmaSmoother"/> and feeds <see cref="EventDetector"/>s. Allocates nothing per frame.
/// </summary>
/// <remarks>
/// Typical wiring, on the consumer thread:
/// <code>
/// while (ring.TryRead(out var s)) resampler.Push(s.Source, s.Time, s.Values);
/// while (resampler.TryRead(frame, out var stamp))
/// {
///     normalizer.Normalize(frame);
///     if (runner.Push(frame, stamp))
///         foreach (var e in runner.Events) OnGesture(e);
/// }
/// </code>
/// A frame with <see cref="FrameStamp.ResetBefore"/> resets the model's state, the window, the smoother and the
/// detectors first. A frame with a non-finite value is refused (counted as a dropped
/// <see cref="BadSampleReason.NonFinite"/> sample), so bad input never reaches the model's state; this is the recommended
/// way to feed a model from a sensor. Should a run on finite but extreme values still produce a non-finite output or
/// state, the output is discarded and the model's state reset (<see cref="StreamCounters.DivergedSteps"/>): the model
/// is never left poisoned.
/// </remarks>
public sealed class StreamRunner
{
    // Exactly one of the three runs the frames: a model's Step, an inference copy's Step, or a model's Forward over the window.
    private readonly IStepModel? _stepModel;
    private readonly IStepInference? _stepCopy;
    private readonly ISequenceModel? _model;
    private readonly int _inputSize, _outputSize;
    private readonly SlidingWindow? _window;
    private readonly WindowStatePolicy _windowState;
    private readonly float[] _outputs;
    private readonly int _rowOffset;
    private readonly EmaSmoother? _smoother;
    private readonly EventDetector[] _detectors;
    private readonly StreamEvent[] _events;
    private int _eventCount;
    private float[]? _outputArray;
    private int _outputOffset;

    /// <summary>Runs <paramref name="model"/> one step per frame, carrying its state across frames.</summary>
    /// <param name="model">The model; its state is reset once every argument has been checked.</param>
    /// <param name="smoother">Optional smoothing of the output row (size = model output size).</param>
    /// <param name="detectors">Optional event detectors on the (smoothed) output row.</param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    /// <param name="latencyWindow">Durations kept by <see cref="Latency"/> for percentiles, 1 to <see cref="LatencyMeter.MaxWindowSize"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">An argument does not fit the model; nothing, the model's state included, has changed.</exception>
    public StreamRunner(IStepModel model, EmaSmoother? smoother = null, IReadOnlyList<EventDetector>? detectors = null, StreamCounters? counters = null, int latencyWindow = 1024)
        : this(NotNull(model), NotNull(model).InputSize, model.OutputSize, outputsEveryStep: true, window: null, WindowStatePolicy.ResetEachWindow, smoother, detectors, counters, latencyWindow)
    {
    }

    /// <summary>
    /// Runs a model's inference copy (<c>model.ToInference()</c>, docs/inference.md) one step per frame, carrying its
    /// state across frames: the model's Step on the copy's own weights, faster where the copy packs them.
    /// </summary>
    /// <param name="model">The inference copy; its state is reset once every argument has been checked.</param>
    /// <param name="smoother">Optional smoothing of the output row (size = model output size).</param>
    /// <param name="detectors">Optional event detectors on the (smoothed) output row.</param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    /// <param name="latencyWindow">Durations kept by <see cref="Latency"/> for percentiles, 1 to <see cref="LatencyMeter.MaxWindowSize"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentException">An argument does not fit the model; nothing, the copy's state included, has changed.</exception>
    public StreamRunner(IStepInference model, EmaSmoother? smoother = null, IReadOnlyList<EventDetector>? detectors = null, StreamCounters? counters = null, int latencyWindow = 1024)
        : this(NotNull(model), NotNull(model).InputSize, model.OutputSize, outputsEveryStep: true, window: null, WindowStatePolicy.ResetEachWindow, smoother, detectors, counters, latencyWindow)
    {
    }

    /// <summary>Runs <paramref name="model"/> over a sliding window of <paramref name="windowLength"/> frames every <paramref name="stride"/> frames.</summary>
    /// <param name="model">The model; its state is reset once every argument has been checked.</param>
    /// <param name="windowLength">T, 1 to the model's <see cref="IRecurrentModel.SequenceLength"/>.</param>
    /// <param name="stride">S ≥ 1, frames between runs.</param>
    /// <param name="statePolicy">Reset the state before each window, or carry it (then S must equal T).</param>
    /// <param name="smoother">Optional smoothing of the output row (size = model output size).</param>
    /// <param name="detectors">Optional event detectors on the (smoothed) output row.</param>
    /// <param name="counters">Shared counters, or null for a new set.</param>
    /// <param name="latencyWindow">Durations kept by <see cref="Latency"/> for percentiles, 1 to <see cref="LatencyMeter.MaxWindowSize"/>.</param>
    /// <remarks>The output used is the model's last row: the last step's output, or the single row of a last-step head.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The window, stride or state policy is out of range; nothing has changed.</exception>
    /// <exception cref="ArgumentException">An argument does not fit the model; nothing, the model's state included, has changed.</exception>
    public StreamRunner(ISequenceModel model, int windowLength, int stride, WindowStatePolicy statePolicy = WindowStatePolicy.ResetEachWindow,
        EmaSmoother? smoother = null, IReadOnlyList<EventDetector>? detectors = null, StreamCounters? counters = null, int latencyWindow = 1024)
        : this(NotNull(model), model.InputSize, model.OutputSize, model.OutputsEveryStep, WindowFor(model, windowLength, stride, statePolicy), statePolicy, smoother, detectors, counters, latencyWindow)
    {
    }

    // Every check comes before the model's state is reset, so a rejected construction changes nothing.
    private StreamRunner(object model, int inputSize, int outputSize, bool outputsEveryStep, SlidingWindow? window, WindowStatePolicy statePolicy, EmaSmoother? smoother,
        IReadOnlyList<EventDetector>? detectors, StreamCounters? counters, int latencyWindow)
    {
        if (smoother is not null && smoother.Size != outputSize)
            throw new ArgumentException($"The smoother has {smoother.Size} values; the model outputs {outputSize}.", nameof(smoother));
        if (latencyWindow is < 1 or > LatencyMeter.MaxWindowSize)
            throw new ArgumentOutOfRangeException(nameof(latencyWindow), latencyWindow, $"The latency window keeps 1 to {LatencyMeter.MaxWindowSize} durations.");
        _detectors = new EventDetector[detectors?.Count ?? 0];
        for (int i = 0; i < _detectors.Length; i++)
        {
            EventDetector d = detectors![i] ?? throw new ArgumentException($"Detector {i} is null.", nameof(detectors));
            if (d.OutputIndex >= outputSize)
                throw new ArgumentException($"Detector {i} watches output {d.OutputIndex}; the model outputs {outputSize}.", nameof(detectors));
            _detectors[i] = d;
        }
        _stepCopy = model as IStepInference;
        _stepModel = window is null ? model as IStepModel : null;
        _model = model as ISequenceModel;
        _inputSize = inputSize;
        _outputSize = outputSize;
        _window = window;
        _windowState = statePolicy;
        _smoother = smoother;
        bool rows = window is not null && outputsEveryStep;
        _outputs = new float[rows ? window!.Length * outputSize : outputSize];
        _rowOffset = rows ? (window!.Length - 1) * outputSize : 0;
        _events = new StreamEvent[_detectors.Length];
        Counters = counters ?? new StreamCounters();
        Latency = new LatencyMeter(latencyWindow);
        ResetModel();
    }

    /// <summary>Sets the state of whichever runs the frames to zero.</summary>
    private void ResetModel()
    {
        if (_stepCopy is not null) _stepCopy.ResetState();
        else _model!.ResetState();
    }

    /// <summary>The live state of whichever runs the frames.</summary>
    private Span<float> ModelState => _stepCopy is not null ? _stepCopy.State : _model!.State;

    private static T NotNull<T>(T model) where T : class => model ?? throw new ArgumentNullException(nameof(model));

    private static SlidingWindow WindowFor(ISequenceModel model, int windowLength, int stride, WindowStatePolicy statePolicy)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (windowLength < 1 || windowLength > model.SequenceLength)
            throw new ArgumentOutOfRangeException(nameof(windowLength), windowLength, $"The window must be 1..{model.SequenceLength} frames (the model's SequenceLength).");
        if (stride < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be at least one frame.");
        if (statePolicy is not (WindowStatePolicy.ResetEachWindow or WindowStatePolicy.Carry))
            throw new ArgumentOutOfRangeException(nameof(statePolicy), statePolicy, "The state policy must be ResetEachWindow or Carry.");
        if (statePolicy == WindowStatePolicy.Carry && stride != windowLength)
            throw new ArgumentException($"Carrying state needs stride = window length ({windowLength}); with stride {stride} the overlapping frames would be fed twice.", nameof(stride));
        return new SlidingWindow(windowLength, stride, model.InputSize);
    }

    /// <summary>Floats per input frame (the model's input size).</summary>
    public int InputSize => _inputSize;

    /// <summary>Per-run latency: model call, smoothing and detection, from <see cref="Stopwatch.GetTimestamp"/>.</summary>
    public LatencyMeter Latency { get; }

    /// <summary>The counters this runner writes (steps, refused frames, resets, events).</summary>
    public StreamCounters Counters { get; }

    /// <summary>The latest output row, smoothed when there is a smoother; empty before the first run and after a reset or a diverged run.</summary>
    public ReadOnlySpan<float> Output => _outputArray is null ? default : _outputArray.AsSpan(_outputOffset, _outputSize);

    /// <summary>The events fired by the latest <see cref="Push"/>; empty when it fired none.</summary>
    public ReadOnlySpan<StreamEvent> Events => _events.AsSpan(0, _eventCount);

    /// <summary>Feeds one frame.</summary>
    /// <param name="frame"><see cref="InputSize"/> floats, normalised as in training.</param>
    /// <param name="stamp">The frame's stamp from the resampler; <see cref="FrameStamp.ResetBefore"/> resets first.</param>
    /// <returns>
    /// True when the model ran on this frame and its output is in <see cref="Output"/> (every frame in step mode, every S
    /// frames in window mode); false for a refused frame, a frame that completes no window, or a diverged run.
    /// </returns>
    public bool Push(ReadOnlySpan<float> frame, in FrameStamp stamp)
    {
        if (frame.Length != _inputSize)
            throw new ArgumentException($"The model takes {_inputSize} floats per frame; got {frame.Length}.", nameof(frame));
        _eventCount = 0;
        if (stamp.ResetBefore) Reset();
        foreach (float v in frame)
        {
            if (!float.IsFinite(v))
            {
                Counters.CountBad(BadSampleReason.NonFinite, dropped: true);
                return false;
            }
        }

        long start = Stopwatch.GetTimestamp();
        ReadOnlySpan<float> row;
        if (_stepCopy is not null)
        {
            _stepCopy.Step(frame, _outputs);
            row = _outputs;
        }
        else if (_stepModel is not null)
        {
            _stepModel.Step(frame, _outputs);
            row = _outputs;
        }
        else
        {
            if (!_window!.Push(frame)) return false;
            if (_windowState == WindowStatePolicy.ResetEachWindow) _model!.ResetState();
            _model!.Forward(_window.Window, _outputs);
            row = _outputs.AsSpan(_rowOffset, _outputSize);
        }
        Counters.CountStep();
        if (!GradientClipping.AllFinite(row) || !GradientClipping.AllFinite(ModelState))
        {
            ResetModel();
            _outputArray = null;
            Counters.CountDiverged();
            return false;
        }

        if (_smoother is not null)
        {
            _smoother.Update(row);
            _outputArray = _smoother.Buffer;
            _outputOffset = 0;
        }
        else
        {
            _outputArray = _outputs;
            _outputOffset = _window is null ? 0 : _rowOffset;
        }

        ReadOnlySpan<float> scores = Output;
        for (int i = 0; i < _detectors.Length; i++)
        {
            EventDetector d = _detectors[i];
            if (d.Update(scores[d.OutputIndex]))
            {
                _events[_eventCount++] = new StreamEvent(i, d.OutputIndex, stamp.Tick, stamp.Time, scores[d.OutputIndex]);
                Counters.CountEvent();
            }
        }
        Latency.Stop(start);
        return true;
    }

    /// <summary>Resets the model's state, the window, the smoother and the detectors, and counts a reset.</summary>
    public void Reset()
    {
        ResetModel();
        _window?.Clear();
        _smoother?.Reset();
        foreach (EventDetector d in _detectors) d.Reset();
        _outputArray = null;
        Counters.CountReset();
    }
}
