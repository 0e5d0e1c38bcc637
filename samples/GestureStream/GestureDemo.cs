using System.Diagnostics;
using System.Globalization;
using RnnGen.Samples;
using RnnGen.Streaming;
using RnnGen.Training;
using RnnGen.Weights;

namespace GestureStreamSample;

/// <summary>Settings of a run; the defaults are what the README command runs.</summary>
public sealed record GestureOptions
{
    public ulong Seed { get; init; } = 7;
    public double TrainSeconds { get; init; } = 300;
    public double TestSeconds { get; init; } = 120;
    public int Epochs { get; init; } = 12;
    /// <summary>Where gesture.safetensors is written; the program's directory by default.</summary>
    public string OutputDirectory { get; init; } = AppContext.BaseDirectory;
    /// <summary>A weight file written by an earlier run, to stream with instead of training.</summary>
    public string? WeightsPath { get; init; }
    /// <summary>Deliver samples at the sensor's real pace (100 per second) instead of as fast as the consumer keeps up.</summary>
    public bool RealTime { get; init; }
    /// <summary>Lowest accepted share of held-out gestures detected with the right class.</summary>
    public double MinAccuracy { get; init; } = 0.85;
    /// <summary>Most accepted false events per held-out gesture.</summary>
    public double MaxFalsePerGesture { get; init; } = 0.1;
}

/// <summary>What a run measured, for the caller (and the smoke test) to check.</summary>
public sealed record GestureReport(int Gestures, int Correct, int Missed, int False, double Accuracy, LatencySnapshot StepLatency, bool Passed);

/// <summary>
/// Trains <see cref="GestureNet"/> on a simulated recording, saves weights and normaliser together, reloads both, and
/// streams a held-out recording through the real-time runtime: sensor thread → <see cref="SpscRing{T}"/> →
/// <see cref="StreamResampler"/> → <see cref="ZScoreNormalizer"/> → <see cref="StreamRunner"/> (Step per frame,
/// <see cref="EmaSmoother"/>, one <see cref="EventDetector"/> per gesture).
/// </summary>
public static class GestureDemo
{
    private const double MatchAfterEnd = 0.5; // an event up to this long after a gesture ends still counts for it
    private static readonly string[] Names = ["idle", "shake", "circle", "double tap", "twist"];

    /// <summary>
    /// The sample's command line: <c>--help</c>, the options below, one-line errors for bad arguments and unusable
    /// files (exit code 2); otherwise runs <see cref="Run"/> and returns 0 if it passed, 1 if not.
    /// </summary>
    public static int RunCommandLine(string[] args, TextWriter output, TextWriter error)
    {
        var options = new GestureOptions();
        var defaults = options;
        return new SampleCommandLine("GestureStream",
                "Trains a gesture classifier on a simulated wrist IMU, saves it with its normaliser, reloads both, and streams a\n" +
                "held-out recording with jitter, dropouts and bad samples through the real-time runtime. Exit code 1 if the\n" +
                "held-out accuracy or the false-event count misses its threshold, 2 for unusable arguments or files.")
            .Option("--seed", "N", $"seed of the recordings and the initial weights (default {defaults.Seed})", v => options = options with { Seed = SampleCommandLine.UInt64("--seed", v) })
            .Option("--train-seconds", "S", $"seconds of training recording (default {defaults.TrainSeconds})", v => options = options with { TrainSeconds = SampleCommandLine.Seconds("--train-seconds", v, min: 10) })
            .Option("--test-seconds", "S", $"seconds of held-out recording to stream (default {defaults.TestSeconds})", v => options = options with { TestSeconds = SampleCommandLine.Seconds("--test-seconds", v, min: 1) })
            .Option("--epochs", "N", $"training epochs (default {defaults.Epochs})", v => options = options with { Epochs = SampleCommandLine.Int32("--epochs", v, min: 1) })
            .Option("--out", "DIR", "where gesture.safetensors is written (default: the program's directory)", v => options = options with { OutputDirectory = v })
            .Option("--weights", "FILE", "stream with a weight file an earlier run saved, instead of training", v => options = options with { WeightsPath = v })
            .Flag("--realtime", "deliver the sensor's samples at their real pace (100 per second) and print events as they happen", () => options = options with { RealTime = true })
            .Run(args, output, error, () => Run(options, output).Passed ? 0 : 1);
    }

    public static GestureReport Run(GestureOptions options, TextWriter output)
    {
        string weightsPath;
        if (options.WeightsPath is { } given)
        {
            weightsPath = SampleCommandLine.ExistingFile("--weights", given);
            output.WriteLine($"Using weights and normaliser from {weightsPath}");
        }
        else
        {
            weightsPath = Path.Combine(SampleCommandLine.OutputDirectory("--out", options.OutputDirectory), "gesture.safetensors");
            Train(options, weightsPath, output);
        }

        var model = new GestureNet();
        ZScoreNormalizer normalizer = model.LoadWeightsAndNormalizer(weightsPath);
        output.WriteLine($"Reloaded weights and normaliser (μ, σ of {normalizer.Channels} channels from {normalizer.Count} training frames) from {weightsPath}");
        output.WriteLine();
        return Stream(model, normalizer, options, output);
    }

    private static void Train(GestureOptions options, string weightsPath, TextWriter output)
    {
        var recording = new ImuSimulator(options.Seed, options.TrainSeconds);
        int steps = (int)(options.TrainSeconds * SensorLink.RateHz);
        var inputs = new float[steps * ImuSimulator.Channels];
        var labels = new int[steps];
        for (int i = 0; i < steps; i++)
        {
            double t = i / SensorLink.RateHz;
            recording.Sample(t, inputs.AsSpan(i * ImuSimulator.Channels, ImuSimulator.Channels));
            labels[i] = (int)recording.Label(t);
        }

        // The statistics come from the training data only, and travel with the weights.
        ZScoreNormalizer normalizer = ZScoreNormalizer.Fit(inputs, ImuSimulator.Channels);
        for (int i = 0; i < steps; i++) normalizer.Normalize(inputs.AsSpan(i * ImuSimulator.Channels, ImuSimulator.Channels));

        var model = new GestureNet();
        Initializer.Apply(model, InitScheme.PyTorchDefault, options.Seed);
        var adam = new Adam(GestureNet.ParameterCount, learningRate: 0.01f);
        var trainer = new Trainer(model, adam, new TrainerOptions { ClipNorm = 1f });

        output.WriteLine($"GestureStream: a simulated 6-axis IMU at {SensorLink.RateHz:0} Hz → LSTM(32) → softmax over {string.Join(", ", Names)}");
        output.WriteLine($"Training on the device: {options.TrainSeconds:0} s of recording ({recording.Gestures.Count} gestures, {steps} steps), truncated BPTT over 1 s chunks, Adam, {GestureNet.ParameterCount} parameters");
        var watch = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (epoch == options.Epochs * 2 / 3 + 1) adam.LearningRate *= 0.3f;
            float loss = trainer.TrainTruncated(inputs, labels, chunkSteps: GestureNet.SequenceLength).MeanLoss;
            output.WriteLine($"  epoch {epoch,2}  loss {loss:0.0000}  ({watch.Elapsed.TotalSeconds:0.0} s)");
        }

        model.SaveWeightsAndNormalizer(weightsPath, normalizer, new Dictionary<string, string>
        {
            ["classes"] = string.Join(",", Names),
            ["rate_hz"] = SensorLink.RateHz.ToString(CultureInfo.InvariantCulture),
        });
        output.WriteLine($"Saved weights and normaliser statistics to {weightsPath}");
    }

    private static GestureReport Stream(GestureNet model, ZScoreNormalizer normalizer, GestureOptions options, TextWriter output)
    {
        var recording = new ImuSimulator(options.Seed + 1000, options.TestSeconds);
        var counters = new StreamCounters();
        var ring = new SpscRing<ImuSample>(256, counters);
        var resampler = new StreamResampler(SensorLink.RateHz, ImuSimulator.Channels, SensorLink.RateHz, new BadSampleHandling
        {
            NonFinite = BadSamplePolicy.Interpolate,  // a NaN reading is bridged from its neighbours
            OutOfOrder = BadSamplePolicy.Drop,        // a late sample's moment has passed
            Duplicate = BadSamplePolicy.Drop,
            Gap = BadSamplePolicy.ResetState,         // after a long silence the LSTM's memory is stale
            MaxGapSeconds = 0.25,
        }, counters: counters);
        var detectors = new EventDetector[Names.Length - 1];
        for (int c = 1; c < Names.Length; c++)
            detectors[c - 1] = new EventDetector(outputIndex: c, enterThreshold: 0.6f, exitThreshold: 0.4f, minDurationSteps: 4, refractorySteps: 20);
        // The weights are final now (trained or loaded): stream through an inference copy, whose Step runs them packed
        // for inference (docs/inference.md) and which later training of the model would not disturb.
        var runner = new StreamRunner(model.ToInference(), new EmaSmoother(GestureNet.OutputSize, alpha: 0.3f), detectors, counters);

        output.WriteLine($"Streaming a held-out recording: {options.TestSeconds:0} s, {recording.Gestures.Count} gestures, through sensor thread → SpscRing → StreamResampler → ZScoreNormalizer → StreamRunner (the inference copy's Step) → EmaSmoother → EventDetector");
        var faults = new LinkFaults();
        bool producerDone = false;
        var producer = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            foreach (ImuSample sample in SensorLink.Deliver(recording, options.Seed + 2000, faults))
            {
                if (options.RealTime)
                {
                    while (clock.Elapsed.TotalSeconds < sample.Time) Thread.Sleep(1);
                }
                // Back-pressure: wait for room rather than lose samples, since the consumer is only briefly behind.
                var spin = new SpinWait();
                while (ring.Count >= ring.Capacity) spin.SpinOnce();
                ring.TryWrite(sample);
            }
            Volatile.Write(ref producerDone, true);
        }) { Name = "imu", IsBackground = true };

        var scorer = new EventScorer(recording.Gestures, output);
        output.WriteLine("   time  event        verdict");
        var batch = new ImuSample[64];
        var frame = new float[ImuSimulator.Channels];
        var watch = Stopwatch.StartNew();
        producer.Start();
        while (true)
        {
            bool done = Volatile.Read(ref producerDone);
            int n = ring.ReadBatch(batch);
            if (n == 0)
            {
                if (done) break;
                Thread.Yield();
                continue;
            }
            for (int i = 0; i < n; i++)
            {
                resampler.Push(batch[i].Time, batch[i].Values);
                while (resampler.TryRead(frame, out FrameStamp stamp))
                {
                    normalizer.Normalize(frame);
                    if (stamp.ResetBefore) scorer.Restart(stamp.Time);
                    if (runner.Push(frame, stamp))
                        foreach (StreamEvent e in runner.Events) scorer.Event(e);
                    scorer.Advance(stamp.Time);
                }
            }
        }
        producer.Join();
        double wall = watch.Elapsed.TotalSeconds;

        scorer.Finish();
        double accuracy = recording.Gestures.Count == 0 ? 0 : (double)scorer.Correct / recording.Gestures.Count;
        bool passed = accuracy >= options.MinAccuracy && scorer.FalseEvents <= options.MaxFalsePerGesture * recording.Gestures.Count;
        var report = new GestureReport(recording.Gestures.Count, scorer.Correct, recording.Gestures.Count - scorer.Correct, scorer.FalseEvents, accuracy, runner.Latency.Snapshot(), passed);
        output.WriteLine();
        output.WriteLine($"Link faults injected: {faults.Samples} samples sent, {faults.NonFinite} with a NaN, {faults.Duplicates} duplicated, {faults.Late} late, {faults.ShortDropouts} short and {faults.LongDropouts} long dropouts");
        output.WriteLine($"Counters: {counters.Frames} frames, {counters.Steps} steps, {counters.SkippedFrames} skipped frames, {counters.Restarts} restarts ({counters.Resets} model resets), {counters.Events} events, {counters.Overruns} overruns");
        output.WriteLine($"  bad samples: non-finite {counters.BadSamples(BadSampleReason.NonFinite)} (interpolated), out-of-order {counters.BadSamples(BadSampleReason.OutOfOrder)} (dropped {counters.DroppedSamples(BadSampleReason.OutOfOrder)}), duplicate {counters.BadSamples(BadSampleReason.Duplicate)} (dropped {counters.DroppedSamples(BadSampleReason.Duplicate)}), gap {counters.BadSamples(BadSampleReason.Gap)}");
        LatencySnapshot l = report.StepLatency;
        output.WriteLine($"Step latency (model + smoothing + detection, last {runner.Latency.WindowSize} frames): p50 {l.P50Microseconds:0.0} µs, p99 {l.P99Microseconds:0.0} µs, max {l.WindowMaxMicroseconds:0.0} µs; all-time max over {l.Count} frames {l.MaxMicroseconds:0.0} µs (includes JIT warm-up); {options.TestSeconds:0} s of stream in {wall:0.00} s");
        output.WriteLine();
        output.WriteLine($"Accuracy on the held-out stream: {report.Correct}/{report.Gestures} = {report.Accuracy:P1} ({report.Missed} missed, {report.False} false events); needs ≥ {options.MinAccuracy:P0} and ≤ {options.MaxFalsePerGesture * report.Gestures:0.#} false");
        output.WriteLine(report.Passed ? "PASS" : "FAIL");
        return report;
    }

    /// <summary>
    /// Scores events as they arrive and prints each at once, so a real-time stream shows them as they happen. An event
    /// matches the earliest unmatched gesture of its class that it falls within (from the gesture's start to
    /// <see cref="MatchAfterEnd"/> after its end); anything else is a false event. A gesture is reported missed as soon
    /// as the stream passes the end of its window unmatched.
    /// </summary>
    private sealed class EventScorer(IReadOnlyList<GestureInstance> truth, TextWriter output)
    {
        private readonly bool[] _matched = new bool[truth.Count];
        private readonly List<double> _latencies = [];
        private readonly List<double> _restarts = [];
        private int _unsettled; // gestures before it are matched or reported missed

        public int Correct => _latencies.Count;

        public int FalseEvents { get; private set; }

        public void Restart(double time) => _restarts.Add(time);

        public void Event(StreamEvent e)
        {
            var kind = (Gesture)e.OutputIndex;
            int hit = -1;
            for (int i = 0; i < truth.Count && hit < 0; i++)
                if (!_matched[i] && truth[i].Kind == kind && e.Time >= truth[i].Start && e.Time <= truth[i].End + MatchAfterEnd) hit = i;
            string verdict;
            if (hit >= 0)
            {
                _matched[hit] = true;
                double late = e.Time - truth[hit].End;
                _latencies.Add(late);
                verdict = $"correct  ({truth[hit].Start:0.00}–{truth[hit].End:0.00} s), {late * 1000,4:+0;-0} ms after the gesture ended";
            }
            else
            {
                FalseEvents++;
                GestureInstance? during = truth.Cast<GestureInstance?>().FirstOrDefault(g => e.Time >= g!.Value.Start && e.Time <= g.Value.End + MatchAfterEnd);
                verdict = during is { } g ? $"FALSE    (during a {Names[(int)g.Kind]} at {g.Start:0.00}–{g.End:0.00} s)" : "FALSE    (no gesture)";
            }
            output.WriteLine($"{e.Time,7:0.00}  {Names[e.OutputIndex],-11}  {verdict}");
        }

        /// <summary>The stream has reached <paramref name="time"/>: no later event can match a gesture whose window closed before it.</summary>
        public void Advance(double time)
        {
            for (; _unsettled < truth.Count && truth[_unsettled].End + MatchAfterEnd < time; _unsettled++)
            {
                if (_matched[_unsettled]) continue;
                GestureInstance g = truth[_unsettled];
                double restart = _restarts.FirstOrDefault(t => t >= g.Start - 0.5 && t <= g.End + MatchAfterEnd, double.NaN);
                string why = double.IsNaN(restart) ? "" : $", a long dropout restarted the stream at {restart:0.00} s";
                output.WriteLine($"{g.Start,7:0.00}  {"",-11}  MISSED   {Names[(int)g.Kind]} ({g.Start:0.00}–{g.End:0.00} s{why})");
            }
        }

        /// <summary>The stream has ended: every gesture still unmatched is missed; prints the detection latencies.</summary>
        public void Finish()
        {
            Advance(double.PositiveInfinity);
            if (_latencies.Count == 0) return;
            var sorted = _latencies.Order().ToList();
            output.WriteLine($"Detection latency from gesture end: p50 {sorted[sorted.Count / 2] * 1000:+0;-0} ms, max {sorted[^1] * 1000:+0;-0} ms (negative: recognised before the gesture finished)");
        }
    }
}
