using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime on the twelve Step models, exported by export_onnx.py from the same safetensors files: one Step, a
/// Forward of <see cref="OnnxRuntimeRunner.SequenceLength"/> steps, and one step of <see cref="OnnxRuntimeRunner.Batch"/>
/// streams. <see cref="PeerWorkloads"/> and <see cref="StepLatency"/> time the generated side of each row.
/// </summary>
[MemoryDiagnoser]
public class OnnxRuntimePeer
{
    private OnnxRuntimeRunner _step = null!, _forward = null!, _batch = null!;

    public static IEnumerable<string> Models => OnnxRuntimePeers.Checked;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Open()
    {
        _step = OnnxRuntimePeers.Get(Model, OnnxWorkload.Step);
        _forward = OnnxRuntimePeers.Get(Model, OnnxWorkload.Forward);
        _batch = OnnxRuntimePeers.Get(Model, OnnxWorkload.Batch);
    }

    [Benchmark] public void Step() => _step.Run();
    [Benchmark] public void Forward() => _forward.Run();
    [Benchmark] public void Batch64() => _batch.Run();
}

/// <summary>
/// The ONNX Runtime sessions of one run, opened once and shared by every benchmark case (the in-process toolchain runs
/// them all in this process). <see cref="Open"/> checks each graph's outputs and states against the generated model's
/// before anything is timed; a model whose outputs differ is left out of the timings, with the reason kept for the report.
/// </summary>
internal static class OnnxRuntimePeers
{
    private static readonly Dictionary<(string, OnnxWorkload), OnnxRuntimeRunner> Runners = [];
    private static readonly List<string> CheckedModels = [];
    private static readonly List<string> Failures = [];

    /// <summary>The models whose three graphs matched the generated code.</summary>
    public static IReadOnlyList<string> Checked => CheckedModels;

    /// <summary>Why a model was left out, one line each.</summary>
    public static IReadOnlyList<string> Mismatches => Failures;

    public static OnnxRuntimeRunner Get(string model, OnnxWorkload workload) => Runners[(model, workload)];

    public static void Open(string dir)
    {
        foreach (string name in PeerModels.Names)
        {
            bool lstm = name.StartsWith("Lstm", StringComparison.Ordinal);
            var reference = PeerModels.Create(name);
            int inputs = reference.InputSize, hidden = reference.State.Length / (lstm ? 2 : 1);
            var problems = new List<string>();
            var worst = new List<string>();
            foreach (var workload in Enum.GetValues<OnnxWorkload>())
            {
                string path = Path.Combine(dir, $"{name}.{workload.ToString().ToLowerInvariant()}.onnx");
                var runner = new OnnxRuntimeRunner(path, lstm, inputs, hidden, workload);
                var (diff, problem) = Compare(runner, PeerModels.Create(name), name, hidden);
                worst.Add($"{workload} {diff:0.0e+00}");
                if (problem is not null) problems.Add($"{workload}: {problem}");
                // Timed from a zero state on the benchmark inputs, as the generated side is.
                runner.ResetState();
                Fill(runner.X, Setup.Inputs(inputs));
                Runners[(name, workload)] = runner;
            }
            if (problems.Count == 0) CheckedModels.Add(name);
            else Failures.Add($"{name}: {string.Join("; ", problems)}");
            Console.WriteLine($"ONNX Runtime {name,-12} max |diff| from RnnGen: {string.Join(", ", worst)}{(problems.Count == 0 ? "" : "  OUTSIDE 1e-5 + 1e-4·|want|")}");
        }
    }

    /// <summary>
    /// Runs the graph twice from a zero state (so the second run reads the state the first wrote) and the generated model
    /// on the same inputs; returns the largest difference over outputs and states, and what was outside the tolerance.
    /// </summary>
    private static (float Worst, string? Problem) Compare(OnnxRuntimeRunner runner, IStepModel model, string name, int hidden)
    {
        int inputs = model.InputSize, steps = runner.Workload == OnnxWorkload.Forward ? OnnxRuntimeRunner.SequenceLength : 1;
        int streams = runner.Workload == OnnxWorkload.Batch ? OnnxRuntimeRunner.Batch : 1;
        float[] x = PeerModels.Inputs(name, inputs);
        int stateSize = model.State.Length;
        var states = new float[streams * stateSize];
        var y = new float[1];
        float worst = 0;
        string? problem = null;
        void Check(string what, float got, float want)
        {
            worst = MathF.Max(worst, MathF.Abs(got - want));
            if (problem is null && !PeerModels.Close(got, want)) problem = $"{what}: RnnGen {got:R}, ONNX Runtime {want:R}";
        }
        runner.ResetState();
        for (int run = 0; run < 2; run++)
        {
            // Run r reads steps × streams consecutive input rows, time-major: row (t, b) is row r·T·B + t·B + b.
            int first = run * steps * streams * inputs;
            Array.Copy(x, first, runner.X, 0, runner.X.Length);
            runner.Run();
            for (int b = 0; b < streams; b++)
            {
                states.AsSpan(b * stateSize, stateSize).CopyTo(model.State);
                if (runner.Workload == OnnxWorkload.Forward)
                    ((ISequenceModel)model).Forward(x.AsSpan(first, steps * inputs), y);
                else
                    model.Step(x.AsSpan(first + b * inputs, inputs), y);
                model.State.CopyTo(states.AsSpan(b * stateSize, stateSize));
                Check($"run {run + 1} stream {b} y", y[0], runner.Y[b]);
                for (int k = 0; k < hidden; k++)
                {
                    Check($"run {run + 1} stream {b} h[{k}]", model.State[k], runner.CurrentHidden[b * hidden + k]);
                    if (runner.CurrentCell is { } c) Check($"run {run + 1} stream {b} c[{k}]", model.State[hidden + k], c[b * hidden + k]);
                }
            }
        }
        return (worst, problem);
    }

    private static void Fill(float[] target, float[] row)
    {
        for (int i = 0; i < target.Length; i += row.Length) Array.Copy(row, 0, target, i, Math.Min(row.Length, target.Length - i));
    }
}
