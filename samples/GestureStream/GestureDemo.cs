using System.Diagnostics;
using System.Globalization;
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

    public static GestureOptions Parse(string[] args)
    {
        var options = new GestureOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--seed" => options with { Seed = ulong.Parse(Next(), CultureInfo.InvariantCulture) },
                "--train-seconds" => options with { TrainSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--test-seconds" => options with { TestSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--epochs" => options with { Epochs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--out" => options with { OutputDirectory = Next() },
                "--weights" => options with { WeightsPath = Next() },
                "--realtime" => options with { RealTime = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --seed N --train-seconds S --test-seconds S --epochs N --out DIR --weights FILE --realtime"),
            };
        }
        return options;
    }
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

    public static GestureReport Run(GestureOptions options, TextWriter output)
    {
        string weightsPath;
        if (options.WeightsPath is { } given)
        {
            weightsPath = given;
            output.WriteLine($"Using weights and normaliser from {weightsPath}");
        }
        else
        {
            weightsPath = Path.Combine(options.OutputDirectory, "gesture.safetensors");
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
            float loss = trainer.TrainTruncated(inputs, labels, chunkSteps: GestureNet.SequenceLength);
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
        var resampler = new StreamResampler(SensorLink.RateHz, ImuSimulator.Channels, SensorLink.RateHz, new BadSamplePolicies
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
        var runner = new StreamRunner(model, new EmaSmoother(GestureNet.OutputSize, alpha: 0.3f), detectors, counters);

        output.WriteLine($"Streaming a held-out recording: {options.TestSeconds:0} s, {recording.Gestures.Count} gestures, through sensor thread → SpscRing → StreamResampler → ZScoreNormalizer → StreamRunner (Step) → EmaSmoother → EventDetector");
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

        var events = new List<StreamEvent>();
        var restarts = new List<double>();
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
                    if (stamp.ResetBefore) restarts.Add(stamp.Time);
                    if (runner.Push(frame, stamp))
                        foreach (StreamEvent e in runner.Events) events.Add(e);
                }
            }
        }
        producer.Join();
        double wall = watch.Elapsed.TotalSeconds;

        GestureReport report = Evaluate(recording.Gestures, events, restarts, runner.Latency.Snapshot(), options, output);
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
    /// Matches each event to the earliest unmatched gesture of its class that it falls within (from the gesture's start
    /// to <see cref="MatchAfterEnd"/> after its end); anything else is a false event, and an unmatched gesture is missed.
    /// </summary>
    private static GestureReport Evaluate(IReadOnlyList<GestureInstance> truth, List<StreamEvent> events, List<double> restarts, LatencySnapshot latency, GestureOptions options, TextWriter output)
    {
        var matched = new bool[truth.Count];
        var latencies = new List<double>();
        int falseEvents = 0;
        output.WriteLine("   time  event        verdict");
        foreach (StreamEvent e in events)
        {
            var kind = (Gesture)e.OutputIndex;
            int hit = -1;
            for (int i = 0; i < truth.Count && hit < 0; i++)
                if (!matched[i] && truth[i].Kind == kind && e.Time >= truth[i].Start && e.Time <= truth[i].End + MatchAfterEnd) hit = i;
            string verdict;
            if (hit >= 0)
            {
                matched[hit] = true;
                double late = e.Time - truth[hit].End;
                latencies.Add(late);
                verdict = $"correct  ({truth[hit].Start:0.00}–{truth[hit].End:0.00} s), {late * 1000,4:+0;-0} ms after the gesture ended";
            }
            else
            {
                falseEvents++;
                GestureInstance? during = truth.Cast<GestureInstance?>().FirstOrDefault(g => e.Time >= g!.Value.Start && e.Time <= g.Value.End + MatchAfterEnd);
                verdict = during is { } g ? $"FALSE    (during a {Names[(int)g.Kind]} at {g.Start:0.00}–{g.End:0.00} s)" : "FALSE    (no gesture)";
            }
            output.WriteLine($"{e.Time,7:0.00}  {Names[e.OutputIndex],-11}  {verdict}");
        }
        for (int i = 0; i < truth.Count; i++)
        {
            if (matched[i]) continue;
            double restart = restarts.FirstOrDefault(t => t >= truth[i].Start - 0.5 && t <= truth[i].End + MatchAfterEnd, double.NaN);
            string why = double.IsNaN(restart) ? "" : $", a long dropout restarted the stream at {restart:0.00} s";
            output.WriteLine($"{truth[i].Start,7:0.00}  {"",-11}  MISSED   {Names[(int)truth[i].Kind]} ({truth[i].Start:0.00}–{truth[i].End:0.00} s{why})");
        }

        int correct = latencies.Count;
        double accuracy = truth.Count == 0 ? 0 : (double)correct / truth.Count;
        if (latencies.Count > 0)
        {
            latencies.Sort();
            output.WriteLine($"Detection latency from gesture end: p50 {latencies[latencies.Count / 2] * 1000:+0;-0} ms, max {latencies[^1] * 1000:+0;-0} ms (negative: recognised before the gesture finished)");
        }
        bool passed = accuracy >= options.MinAccuracy && falseEvents <= options.MaxFalsePerGesture * truth.Count;
        return new GestureReport(truth.Count, correct, truth.Count - correct, falseEvents, accuracy, latency, passed);
    }
}
