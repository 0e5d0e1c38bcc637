using System.Diagnostics;
using RnnGen;
using RnnGen.Samples;
using RnnGen.Streaming;
using RnnGen.Training;

namespace AnomalyDetectionSample;

/// <summary>
/// Forecasts the bearing temperature the sensor should read, one step per second, from the machine's normalised
/// [load, ambient] inputs; the GRU's state integrates the load history as the thermal mass does.
/// </summary>
[RecurrentModel(InputSize = 2, SequenceLength = 120)]
[Gru(24)]
[Dense(1, Activation.Linear, Over = Steps.Every)]
public partial class TemperatureForecaster { }

/// <summary>Settings of a run; the defaults are what the README command runs.</summary>
public sealed record AnomalyOptions
{
    public ulong Seed { get; init; } = 5;
    public int TrainSeconds { get; init; } = 6 * 3600;
    public int TestSeconds { get; init; } = 2 * 3600;
    public int Epochs { get; init; } = 40;
    /// <summary>Most false alarms accepted on the test stream (per machine, with <see cref="Machines"/>).</summary>
    public int MaxFalseAlarms { get; init; } = 1;
    /// <summary>With N &gt; 0, also streams N machines through one batch (<see cref="ManySensors"/>).</summary>
    public int Machines { get; init; }
    /// <summary>Threads the many-sensors batch uses.</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>What a run found.</summary>
public sealed record AnomalyReport(int Faults, int Caught, int FalseAlarms, double Threshold, bool Passed);

/// <summary>
/// Residual-based sensor fault detection. A GRU learns to forecast a healthy sensor from the machine's known inputs;
/// on the live stream the residual r = reading − forecast, in units of the training residuals' σ and smoothed, is
/// watched by an <see cref="EventDetector"/> whose threshold comes from the largest score on the (healthy) training stream.
/// </summary>
/// <remarks>
/// Why the forecast does not read the sensor itself: a forecaster fed its own sensor's past follows a slow drift and
/// a stuck value along with the sensor, so its residual stays small exactly where it matters. Forecasting from the
/// inputs, any departure of the sensor from the physics shows in the residual, whatever its shape.
/// </remarks>
public static class AnomalyDemo
{
    private const int WarmUpSeconds = 300; // the forecaster starts from a zero state and needs a few time constants
    private const double Grace = 30;        // an alarm up to this long after a fault ends still counts for it
    private const float Alpha = 0.5f;       // smoothing of the residual score: a few seconds

    /// <summary>
    /// The sample's command line: <c>--help</c>, the options below, one-line errors for bad arguments (exit code 2);
    /// otherwise runs <see cref="Run"/> and returns 0 if every fault was caught with few enough false alarms, 1 if not.
    /// </summary>
    public static int RunCommandLine(string[] args, TextWriter output, TextWriter error)
    {
        var options = new AnomalyOptions();
        var defaults = options;
        return new SampleCommandLine("AnomalyDetection",
                "Trains a GRU to forecast a healthy temperature sensor from the machine's load, sets an alarm threshold from its\n" +
                "residuals on healthy data, and reports which injected sensor faults the residual catches and any false alarms.\n" +
                "Exit code 1 unless every fault is caught with at most one false alarm, 2 for unusable arguments.")
            .Option("--seed", "N", $"seed of the machine, its faults and the initial weights (default {defaults.Seed})", v => options = options with { Seed = SampleCommandLine.UInt64("--seed", v) })
            .Option("--epochs", "N", $"training epochs (default {defaults.Epochs})", v => options = options with { Epochs = SampleCommandLine.Int32("--epochs", v, min: 1) })
            .Option("--train-seconds", "N", $"seconds of healthy training data (default {defaults.TrainSeconds})", v => options = options with { TrainSeconds = SampleCommandLine.Int32("--train-seconds", v, min: 2 * WarmUpSeconds) })
            .Option("--test-seconds", "N", $"seconds of test stream with injected faults (default {defaults.TestSeconds})", v => options = options with { TestSeconds = SampleCommandLine.Int32("--test-seconds", v, min: 8 * WarmUpSeconds) })
            .Option("--machines", "N", "also stream N machines (some with the faults) through one batched model (default 0: none)", v => options = options with { Machines = SampleCommandLine.Int32("--machines", v, min: 0, max: RnnGen.Batching.RecurrentBatch.MaxCapacity) })
            .Option("--threads", "K", $"threads the batch of machines uses (default {defaults.Threads})", v => options = options with { Threads = SampleCommandLine.Int32("--threads", v, min: 1, max: RnnGen.Batching.BatchThreads.MaxThreads) })
            .Run(args, output, error, () => Run(options, output).Passed ? 0 : 1);
    }

    public static AnomalyReport Run(AnomalyOptions options, TextWriter output)
    {
        var training = new MachineSimulator(options.Seed, options.TrainSeconds);
        float[] inputs = Interleave(training.Load, training.Ambient);
        ZScoreNormalizer inputNorm = ZScoreNormalizer.Fit(inputs, 2);
        ZScoreNormalizer targetNorm = ZScoreNormalizer.Fit(training.Reading, 1);
        output.WriteLine($"AnomalyDetection: a motor's bearing temperature sensor (1 Hz) against a GRU(24) forecast from load and ambient, {TemperatureForecaster.ParameterCount} parameters");

        var model = Train(training, inputs, inputNorm, targetNorm, options, output);

        // Calibrate on the healthy training stream: σ of the residual, then the largest smoothed score it produces.
        float[] trainResidual = Residuals(model, training, inputNorm, targetNorm, out _);
        double sigma = Math.Sqrt(trainResidual.Skip(WarmUpSeconds).Select(r => (double)r * r).Average());
        var calibration = new EmaSmoother(1, Alpha);
        var score = new float[1];
        float peak = 0;
        for (int t = WarmUpSeconds; t < trainResidual.Length; t++)
        {
            score[0] = (float)(Math.Abs(trainResidual[t]) / sigma);
            peak = Math.Max(peak, calibration.Update(score)[0]);
        }
        float threshold = 1.25f * peak;
        output.WriteLine($"Training residual σ = {sigma:0.000} °C (sensor noise {MachineSimulator.NoiseSigma} °C); largest smoothed score on healthy data {peak:0.00} σ → alarm threshold {threshold:0.00} σ (×1.25)");

        var test = new MachineSimulator(options.Seed + 100, options.TestSeconds);
        IReadOnlyList<Fault> faults = MachineSimulator.TestFaults(options.TestSeconds);
        test.InjectFaults(faults, options.Seed + 200);
        float[] residual = Residuals(model, test, inputNorm, targetNorm, out LatencySnapshot latency);

        var smoother = new EmaSmoother(1, Alpha);
        var detector = new EventDetector(outputIndex: 0, enterThreshold: threshold, exitThreshold: 0.7f * threshold, minDurationSteps: 1, refractorySteps: 10);
        var alarms = new List<(int Time, float Residual, float Score)>();
        for (int t = WarmUpSeconds; t < residual.Length; t++)
        {
            score[0] = (float)(Math.Abs(residual[t]) / sigma);
            float smoothed = smoother.Update(score)[0];
            if (detector.Update(smoothed)) alarms.Add((t, residual[t], smoothed));
        }

        output.WriteLine();
        output.WriteLine($"Test stream: {options.TestSeconds} s with {faults.Count} injected faults; step latency p50 {latency.P50Microseconds:0.0} µs, p99 {latency.P99Microseconds:0.0} µs");
        output.WriteLine("  fault        when (s)      size      verdict");
        var used = new bool[alarms.Count];
        int caught = 0;
        foreach (Fault f in faults)
        {
            int hit = alarms.FindIndex(a => a.Time >= f.Start && a.Time <= f.End + Grace);
            string size = f.Kind switch
            {
                FaultKind.Spike => $"{f.Size:+0.0;-0.0} °C",
                FaultKind.Drift => $"0→{f.Size:0.0} °C",
                FaultKind.NoiseBurst => $"σ {f.Size:0.0} °C",
                _ => "",
            };
            string when = f.End > f.Start ? $"{f.Start:0}–{f.End:0}" : $"{f.Start:0}";
            string verdict;
            if (hit >= 0)
            {
                caught++;
                for (int i = 0; i < alarms.Count; i++)
                    if (alarms[i].Time >= f.Start && alarms[i].Time <= f.End + Grace) used[i] = true;
                var a = alarms[hit];
                verdict = $"CAUGHT after {a.Time - f.Start:0} s (residual {a.Residual:+0.00;-0.00} °C, score {a.Score:0.0} σ)";
            }
            else
            {
                verdict = "missed";
            }
            output.WriteLine($"  {f.Kind,-11}  {when,-12}  {size,-8}  {verdict}");
        }
        int falseAlarms = used.Count(u => !u);
        for (int i = 0; i < alarms.Count; i++)
            if (!used[i]) output.WriteLine($"  false alarm at {alarms[i].Time} s (residual {alarms[i].Residual:+0.00;-0.00} °C, score {alarms[i].Score:0.0} σ)");

        bool passed = caught == faults.Count && falseAlarms <= options.MaxFalseAlarms;
        output.WriteLine();
        output.WriteLine($"Caught {caught} of {faults.Count} faults with {falseAlarms} false alarm(s) in {(options.TestSeconds - WarmUpSeconds) / 60.0:0} minutes; needs all faults and ≤ {options.MaxFalseAlarms} false alarm(s)");
        if (options.Machines > 0)
            passed &= ManySensors.Run(options, model, inputNorm, targetNorm, sigma, threshold, WarmUpSeconds, Grace, Alpha, output);
        output.WriteLine(passed ? "PASS" : "FAIL");
        return new AnomalyReport(faults.Count, caught, falseAlarms, threshold, passed);
    }

    private static TemperatureForecaster Train(MachineSimulator training, float[] inputs, ZScoreNormalizer inputNorm, ZScoreNormalizer targetNorm, AnomalyOptions options, TextWriter output)
    {
        int steps = training.Reading.Length;
        var x = new float[inputs.Length];
        for (int t = 0; t < steps; t++) inputNorm.Normalize(inputs.AsSpan(2 * t, 2), x.AsSpan(2 * t, 2));
        var y = new float[steps];
        for (int t = 0; t < steps; t++) targetNorm.Normalize(training.Reading.AsSpan(t, 1), y.AsSpan(t, 1));

        var model = new TemperatureForecaster();
        Initializer.Apply(model, InitScheme.PyTorchDefault, options.Seed);
        var adam = new Adam(TemperatureForecaster.ParameterCount, learningRate: 0.001f);
        // Truncated BPTT by hand: the state carries from chunk to chunk (as while streaming), the gradient does not.
        var trainer = new Trainer(model, adam, new TrainerOptions { Loss = TrainingLoss.MeanSquaredError, ClipNorm = 1f, ResetStateEachSequence = false });
        const int Chunk = TemperatureForecaster.SequenceLength;
        output.WriteLine($"Training on {steps} s of healthy data: truncated BPTT over {Chunk} s chunks, MSE, Adam, {options.Epochs} epochs");
        var watch = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (epoch == options.Epochs * 2 / 3 + 1) adam.LearningRate *= 0.2f;
            model.ResetState();
            double loss = 0;
            int chunks = 0;
            for (int start = 0; start + Chunk <= steps; start += Chunk, chunks++)
            {
                trainer.Forward(x.AsSpan(2 * start, 2 * Chunk));
                trainer.Accumulate(y.AsSpan(start, Chunk));
                loss += trainer.Apply().Loss;
            }
            if (epoch == 1 || epoch % 5 == 0 || epoch == options.Epochs)
                output.WriteLine($"  epoch {epoch,2}  MSE (normalised) {loss / chunks:0.0000}  ({watch.Elapsed.TotalSeconds:0.0} s)");
        }
        return model;
    }

    /// <summary>Streams the machine's inputs through a <see cref="StreamRunner"/> (one Step per second) and returns reading − forecast per second.</summary>
    private static float[] Residuals(TemperatureForecaster model, MachineSimulator machine, ZScoreNormalizer inputNorm, ZScoreNormalizer targetNorm, out LatencySnapshot latency)
    {
        var runner = new StreamRunner(model);
        var residual = new float[machine.Reading.Length];
        Span<float> frame = stackalloc float[2];
        for (int t = 0; t < residual.Length; t++)
        {
            frame[0] = machine.Load[t];
            frame[1] = machine.Ambient[t];
            inputNorm.Normalize(frame);
            runner.Push(frame, new FrameStamp(t, t, ResetBefore: false));
            float forecast = runner.Output[0] * targetNorm.Std[0] + targetNorm.Mean[0];
            residual[t] = machine.Reading[t] - forecast;
        }
        latency = runner.Latency.Snapshot();
        return residual;
    }

    private static float[] Interleave(float[] a, float[] b)
    {
        var rows = new float[2 * a.Length];
        for (int t = 0; t < a.Length; t++)
        {
            rows[2 * t] = a[t];
            rows[2 * t + 1] = b[t];
        }
        return rows;
    }
}
