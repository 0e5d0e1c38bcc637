using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using BenchmarkDotNet.Reports;
using RnnGen.Benchmarks.Peers;

namespace RnnGen.Benchmarks;

/// <summary>
/// Turns one run into docs/PERFORMANCE.md and README's Speed section: medians, same-run ratios against the baselines and
/// the peers (RTNeural, ONNX Runtime, PyTorch), the inference copies (<c>ToInference()</c>) beside the models' Step, the
/// uniformity tables, GFLOP/s against the measured FMA peak and L2 bound, allocations, and each of the issue's targets
/// marked met or missed from these numbers alone. Nothing here comes from another run: a peer that did not run is said to
/// be missing, with the reason.
/// FLOPs count only the matrix products (2 per multiply-add); activations and element-wise work are not counted.
/// </summary>
public sealed class Report
{
    public const string ReadmeBegin = "<!-- speed: written by benchmarks/run.sh from the run in docs/PERFORMANCE.md; edit Report.cs, not this -->";
    public const string ReadmeEnd = "<!-- /speed -->";

    private static readonly string[] StepGroups = PeerModels.Names;

    private sealed record Result(double MedianNs, long? AllocatedBytes, bool Peer);

    private readonly Dictionary<string, Result> _results;
    private readonly RunFacts _run;
    private readonly Summary[] _summaries;
    private readonly double _peak;
    private readonly DateTime _written = DateTime.UtcNow;
    private readonly string _loadAtEnd = LoadAverage();

    public Report(Summary[] summaries, RunFacts run)
    {
        _run = run;
        _summaries = summaries;
        // The batched suites have parameterised cases of one method name; BatchReport reads those summaries itself.
        _results = summaries.SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null && !BatchReport.Suites.Contains(r.BenchmarkCase.Descriptor.Type))
            .ToDictionary(r => Key(r.BenchmarkCase), r => new Result(r.ResultStatistics!.Median,
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase), r.BenchmarkCase.Descriptor.Type == typeof(OnnxRuntimePeer)));
        _peak = Ns(nameof(FmaPeak.Peak)) is double fmaNs ? FmaPeak.Lanes * 2 / fmaNs : double.NaN; // GFLOP/s = FLOP/ns
    }

    /// <summary>A case's name: its method, or for ONNX Runtime <c>Ort_{Model}_{Method}</c>.</summary>
    private static string Key(BenchmarkDotNet.Running.BenchmarkCase c)
    {
        string method = c.Descriptor.WorkloadMethod.Name;
        return c.Parameters.Items.FirstOrDefault(p => p.Name == nameof(OnnxRuntimePeer.Model)) is { } model ? $"Ort_{model.Value}_{method}" : method;
    }

    private double? Ns(string name) => _results.TryGetValue(name, out var r) ? r.MedianNs : null;

    // Without AVX-512 the StreamBound methods return at once (NaN): no bound was measured.
    private double? BoundNs(string method) => Avx512F.IsSupported ? Ns(method) : null;

    private double Gflops(string key, double ns) => MultiplyAdds(key) is long macs ? 2.0 * macs / ns : double.NaN;

    private string PercentOfPeak(double gflops) => double.IsNaN(gflops) || double.IsNaN(_peak) ? "–" : $"{100 * gflops / _peak:0.#}%";

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Performance");
        md.AppendLine();
        md.AppendLine($"Measured {_written:yyyy-MM-dd HH:mm} UTC with `{_run.Command}` ({(_run.Quick ? "quick mode: few, short iterations — expect ±10–15%" : "full mode")}).");
        md.AppendLine("Regenerate with `benchmarks/run.sh` (about 27 minutes) or `benchmarks/run.sh --quick` (about 10); it runs the peers");
        md.AppendLine("(RTNeural when `RTNEURAL_DIR` is set, ONNX Runtime and PyTorch when `/usr/bin/python3` has torch), then the");
        md.AppendLine("BenchmarkDotNet suite in `benchmarks/RnnGen.Benchmarks`, and rewrites this file and README's Speed section.");
        md.AppendLine("Every number and ratio below comes from this one run; nothing is copied from another.");
        md.AppendLine();
        md.AppendLine($"- Machine: {CpuName()}, {Environment.ProcessorCount} cores, {VectorIsa()}; {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}.");
        md.AppendLine($"- Load average (1/5/15 min) when the suite started: {_run.LoadAtStart}; when this report was written: {_loadAtEnd}. Above ~1 other work shared the cores: absolute times are then inflated; ratios of cases run close together less so.");
        if (Shared() is { } shared)
            md.AppendLine($"- **{shared}**");
        md.AppendLine("- Single thread, batch 1, float32. Times are BenchmarkDotNet medians; every BenchmarkDotNet case ran in the same process, one after another.");
        md.AppendLine("- GFLOP/s count only the matrix products, 2 FLOPs per multiply-add (a Step of LSTM(I→H) + Dense(H→1) is 4H(I+H) + H multiply-adds);");
        md.AppendLine("  activations are not counted. \"% of peak\" divides by the FMA peak measured in the same run.");
        md.AppendLine();
        AppendBounds(md);
        AppendStepTable(md);
        AppendRtNeural(md);
        AppendOnnxRuntime(md);
        AppendUniformity(md);
        AppendActivationModes(md);
        AppendPrecision(md);
        AppendOtherHotPaths(md);
        AppendPyTorch(md);
        AppendTargets(md);
        md.Append(BatchReport.Markdown(_summaries, _peak, BatchPeers.Directory));
        md.Append(Analysis.Text);
        return md.ToString();
    }

    private void AppendBounds(StringBuilder md)
    {
        md.AppendLine($"**Measured FMA peak: {_peak:0.0} GFLOP/s** ({FmaPeak.Lanes}-float vectors, 16 independent accumulators, `FmaPeak.Peak`).");
        md.AppendLine();
        string StreamLine(string method, string what)
        {
            if (BoundNs(method) is not double ns) return "";
            double gflops = Gflops(method, ns);
            return $"{what} {Time(ns)} = {gflops:0.0} GFLOP/s = **{PercentOfPeak(gflops)} of peak**";
        }
        string lstmBound = StreamLine("Stream_Lstm16x128", "LSTM 16→128 (295 KB)"), gruBound = StreamLine("Stream_Gru16x128", "GRU 16→128 (221 KB)");
        if (lstmBound.Length == 0)
        {
            md.AppendLine("No L2 streaming bound was measured (`StreamBound` needs AVX-512).");
            md.AppendLine();
            return;
        }
        md.AppendLine($"**Measured L2 streaming bound** (`StreamBound`: one FMA per weight, read in address order, nothing else): {lstmBound}; {gruBound}.");
        md.AppendLine("The 16→128 weights do not fit the 48 KB L1, so every Step streams them from L2 and cannot run faster than this.");
        if (BoundNs("Stream_LoadsOnlyLstm16x128") is double loadsNs)
            md.AppendLine($"The loads alone set it: loading the LSTM's 295 KB with no arithmetic (`Stream_LoadsOnlyLstm16x128`) takes {Time(loadsNs)}, " +
                          $"which is {PercentOfPeak(Gflops("Stream_LoadsOnlyLstm16x128", loadsNs))} of peak for that Step's multiply-adds before any of them runs.");
        foreach (string g in new[] { "Lstm_16x128", "Gru_16x128" })
        {
            if (L2Fraction(g, Generated) is not double fraction) continue;
            string copy = L2Fraction(g, Inference) is double copyFraction
                ? $"; its inference copy reaches **{100 * copyFraction:0}%** ({Time(Ns(g + Inference)!.Value)})"
                : "";
            md.AppendLine($"**{Label(g)} Step reaches {100 * fraction:0}% of the L2 bound** ({Time(Ns(g + Generated)!.Value)} against {Time(BoundNs(StreamOf(g))!.Value)}){copy}.");
        }
        md.AppendLine();
    }

    private static string StreamOf(string group) => "Stream_" + group.Replace("_", "");

    /// <summary>
    /// The L2 bound's time over a Step's (<see cref="Generated"/>: the model's, <see cref="Inference"/>: its inference copy's):
    /// the fraction of what the memory allows that the Step reaches.
    /// </summary>
    private double? L2Fraction(string group, string implementation) =>
        BoundNs(StreamOf(group)) is double bound && Ns(group + implementation) is double ns ? bound / ns : null;

    /// <summary>The <see cref="StepLatency"/> method suffixes of a model's Step and of its inference copy's.</summary>
    private const string Generated = "_Generated", Inference = "_Inference";

    private void AppendStepTable(StringBuilder md)
    {
        md.AppendLine("## Step latency: model (I→H) + Dense(H→1), one stateful step");
        md.AppendLine();
        md.AppendLine("The generated model's `Step` (generated) and its inference copy's (`ToInference()` of the same model after its weights");
        md.AppendLine($"are set, docs/inference.md; its outputs and states checked equal to the model's over {Setup.CheckSteps} steps before timing), beside a");
        md.AppendLine("textbook scalar C# implementation and one built on `TensorPrimitives` (both with run-time sizes, `Baselines/`).");
        md.AppendLine("Generated / inference above 1: the copy is faster. Allocated bytes are the model's Step's and the copy's.");
        md.AppendLine();
        md.AppendLine("| model | generated ns | inference ns | generated / inference | scalar ns | TensorPrimitives ns | scalar / generated | TensorPrimitives / generated | generated GFLOP/s | % of peak | allocated B |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string group in StepGroups)
        {
            if (Ns(group + Generated) is not double gen) continue;
            double? copy = Ns(group + Inference), scalar = Ns(group + "_Scalar"), tp = Ns(group + "_TensorPrimitives");
            double gflops = Gflops(group, gen);
            string allocated = $"{_results[group + Generated].AllocatedBytes}{(_results.TryGetValue(group + Inference, out var c) ? $" / {c.AllocatedBytes}" : "")}";
            md.AppendLine($"| {Label(group)} | **{gen:0.0}** | {F(copy)} | {(copy is double i ? $"{gen / i:0.00}" : "–")} | {F(scalar)} | {F(tp)} | {Ratio(scalar, gen)} | {Ratio(tp, gen)} | {gflops:0.0} | {PercentOfPeak(gflops)} | {allocated} |");
        }
        md.AppendLine();
    }

    private void AppendRtNeural(StringBuilder md)
    {
        md.AppendLine("## Against RTNeural, same run");
        md.AppendLine();
        if (_run.RtNeural is not { } rt)
        {
            md.AppendLine($"RTNeural was not measured in this run: {_run.Peers.NoRtNeuralReason ?? "no RTNeural timings were passed to the report"}.");
            md.AppendLine("Set `RTNEURAL_DIR` to an RTNeural checkout with its xsimd submodule and rerun `benchmarks/run.sh` (benchmarks/rtneural/README.md).");
            md.AppendLine();
            return;
        }
        md.AppendLine($"RTNeural's compile-time API (`ModelT`, RTNeural {rt.Fact("rtneural")}), built by `benchmarks/rtneural/run.sh` with `{rt.Fact("compiler")}` `{rt.Fact("flags")}`");
        md.AppendLine($"for each backend ({string.Join(", ", rt.Backends)}; Eigen {rt.Fact("eigen")}, xsimd {rt.Fact("xsimd")}), on the safetensors weights this suite wrote. Before timing, each");
        md.AppendLine($"backend's outputs over {PeerModels.CheckSteps} steps, and those of RnnGen's inference copy (`ToInference()` of the model loaded from the same file),");
        md.AppendLine("were checked equal to RnnGen's Step's (`1e-5 + 1e-4·|want|`). Then, per model, the processes ran in turn");
        md.AppendLine($"({string.Join(", ", rt.Backends)}, RnnGen Step, RnnGen inference copy) for {rt.Fact("rounds")} rounds, the order reversed every other round, each printing");
        md.AppendLine("the median of 15 repetitions of the same loop (`rtneural_peer.cpp`, `Peers/PeerTiming.cs`); the table keeps each side's best round.");
        md.AppendLine("The BenchmarkDotNet times of the same model's Step and inference copy are beside it as a cross-check.");
        md.AppendLine();
        var backends = rt.Backends.ToList();
        md.AppendLine($"| model | {string.Join(" | ", backends.Select(b => $"RTNeural {b} ns"))} | RnnGen ns | **RnnGen / RTNeural** | RnnGen inference ns | **RnnGen inference / RTNeural** | RnnGen (BenchmarkDotNet) ns | RnnGen inference (BenchmarkDotNet) ns |");
        md.AppendLine($"|---|{string.Concat(backends.Select(_ => "---:|"))}---:|---:|---:|---:|---:|---:|");
        foreach (string group in StepGroups)
        {
            if (rt.BestRtNeural(group) is not { } best || rt.Best(group, RtNeuralTimings.StepBackend) is not double ours) continue;
            string cells = string.Join(" | ", backends.Select(b => rt.Best(group, b) is double ns ? (b == best.Backend ? $"**{ns:0.0}**" : $"{ns:0.0}") : "–"));
            string copy = rt.Best(group, RtNeuralTimings.InferenceBackend) is double c ? $"{c:0.0} | **{c / best.Ns:0.00}**" : "– | –";
            md.AppendLine($"| {Label(group)} | {cells} | {ours:0.0} | **{ours / best.Ns:0.00}** | {copy} | {F(Ns(group + Generated))} | {F(Ns(group + Inference))} |");
        }
        md.AppendLine();
        md.AppendLine("RnnGen / RTNeural is RnnGen's time (the model's Step, or its inference copy's) over RTNeural's faster backend's: below 1, RnnGen is faster.");
        md.AppendLine();
    }

    private void AppendOnnxRuntime(StringBuilder md)
    {
        md.AppendLine("## Against ONNX Runtime, same run");
        md.AppendLine();
        if (_run.Peers.NoOnnxReason is { } reason)
        {
            md.AppendLine($"ONNX Runtime was not measured in this run: {reason}.");
            md.AppendLine();
            return;
        }
        md.AppendLine($"`Microsoft.ML.OnnxRuntime` {OrtVersion()} in this process (`Peers/OnnxRuntimePeer.cs`): the twelve models exported by `Peers/export_onnx.py`");
        md.AppendLine("from the same safetensors weights with `torch.onnx.export` (the LSTM/GRU op and Gemm, opset 14), state passed in and out");
        md.AppendLine("(a true stateful step), one intra-op thread, all graph optimisations, inputs and outputs preallocated `OrtValue`s bound");
        md.AppendLine("once with IOBinding. Before timing, each graph ran twice from a zero state and its outputs and states were checked equal");
        md.AppendLine("to RnnGen's (`1e-5 + 1e-4·|want|`). **Batch 64**: ONNX Runtime's batch of 64 streams against 64 Steps of one RnnGen model,");
        md.AppendLine("each stream's state copied in and out of `State` around its Step (`PeerWorkloads`). **Step inference**: the model's inference");
        md.AppendLine("copy (`ToInference()`, `StepLatency`), its outputs checked equal to the model's Step's before timing.");
        md.AppendLine();
        foreach (string mismatch in _run.Peers.OnnxMismatches)
            md.AppendLine($"- Left out, outputs differ: {mismatch}");
        if (_run.Peers.OnnxMismatches.Count > 0) md.AppendLine();
        md.AppendLine("| model | Step ORT | Step RnnGen | **RnnGen / ORT** | Step inference | **inference / ORT** | Forward T=50 ORT | Forward RnnGen | **RnnGen / ORT** | Batch 64 ORT | Batch 64 RnnGen | **RnnGen / ORT** |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string group in StepGroups)
        {
            if (Ns($"Ort_{group}_Step") is null) continue;
            string Cells(string ort, string ours) => Ns(ort) is double o && Ns(ours) is double r ? $"{Time(o)} | {Time(r)} | **{r / o:0.00}**" : "– | – | –";
            string copy = Ns($"Ort_{group}_Step") is double o && Ns(group + Inference) is double i ? $"{Time(i)} | **{i / o:0.00}**" : "– | –";
            md.AppendLine($"| {Label(group)} | {Cells($"Ort_{group}_Step", group + Generated)} | {copy} | {Cells($"Ort_{group}_Forward", group + "_Forward50")} | {Cells($"Ort_{group}_Batch64", group + "_Batch64")} |");
        }
        md.AppendLine();
    }

    private static string OrtVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "?";

    /// <summary>
    /// Per cell kind and off-grid size: its time per multiply-add over that of its nearest on-grid size, for the models' Step
    /// (<see cref="Uniformity.Model"/>) or their inference copies' (<see cref="Uniformity.Copy"/>).
    /// </summary>
    private IEnumerable<(string Kind, string Label, int OffGrid, int OnGrid, double? Ratio)> UniformityRatios(string prefix) =>
        from kind in Uniformity.Kinds
        from pair in Uniformity.Pairs
        let offNs = Ns($"{prefix}_{kind.Kind}_{pair.OffGrid}")
        let onNs = Ns($"{prefix}_{kind.Kind}_{pair.OnGrid}")
        select (kind.Kind, kind.Label, pair.OffGrid, pair.OnGrid,
            offNs is double o && onNs is double n ? (double?)(o / UniformMacs(kind.Kind, pair.OffGrid)) / (n / UniformMacs(kind.Kind, pair.OnGrid)) : null);

    private void AppendUniformity(StringBuilder md)
    {
        var step = UniformityRatios(Uniformity.Model).ToList();
        var copy = UniformityRatios(Uniformity.Copy).ToList();
        if (step.All(r => r.Ratio is null) && copy.All(r => r.Ratio is null)) return;
        md.AppendLine("## Uniformity: hidden sizes on and off the vector grid");
        md.AppendLine();
        md.AppendLine("One Step (I = 8, + Dense(1)) of every cell kind, in one process (`Uniformity`): the model's `Step`, and the same models'");
        md.AppendLine("inference copies (`ToInference()` after the weights are set, outputs and states checked equal to the model's before timing).");
        md.AppendLine("Each ratio is the off-grid size's time per multiply-add over its nearest on-grid size's (a multiple of 8): 1.00 is no cliff,");
        md.AppendLine("the goal is ≤ 1.3; bold: above 1.3. LSTM with projection has P = H / 2, so its on-grid references H = 8 and 40 have a");
        md.AppendLine("projection width (4, 20) off the grid: their columns compare two off-grid shapes; the other four have P on the grid.");
        md.AppendLine();
        AppendUniformityTables(md, "The model's `Step`", Uniformity.Model, step);
        AppendUniformityTables(md, "The inference copy's `Step`", Uniformity.Copy, copy);
    }

    private void AppendUniformityTables(StringBuilder md, string what, string prefix, List<(string Kind, string Label, int OffGrid, int OnGrid, double? Ratio)> ratios)
    {
        if (ratios.All(r => r.Ratio is null)) return;
        md.AppendLine($"### {what}");
        md.AppendLine();
        md.AppendLine($"| cell | {string.Join(" | ", Uniformity.Pairs.Select(p => $"{p.OffGrid} vs {p.OnGrid}"))} |");
        md.AppendLine($"|---|{string.Concat(Uniformity.Pairs.Select(_ => "---:|"))}");
        foreach (var kind in Uniformity.Kinds)
        {
            var cells = ratios.Where(r => r.Kind == kind.Kind).Select(r => r.Ratio is double v ? (v > 1.3 ? $"**{v:0.00}**" : $"{v:0.00}") : "–");
            md.AppendLine($"| {kind.Label} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
        md.AppendLine("The times (ns per Step):");
        md.AppendLine();
        int[] sizes = Uniformity.Pairs.SelectMany(p => new[] { p.OnGrid, p.OffGrid }).Distinct().Order().ToArray();
        md.AppendLine($"| cell | {string.Join(" | ", sizes.Select(h => $"H={h}"))} |");
        md.AppendLine($"|---|{string.Concat(sizes.Select(_ => "---:|"))}");
        foreach (var kind in Uniformity.Kinds)
            md.AppendLine($"| {kind.Label} | {string.Join(" | ", sizes.Select(h => F(Ns($"{prefix}_{kind.Kind}_{h}"))))} |");
        md.AppendLine();
    }

    private void AppendActivationModes(StringBuilder md)
    {
        md.AppendLine("## Activation modes: `Fast` (default) and `Exact`");
        md.AppendLine();
        md.AppendLine("`[RecurrentModel(Activations = ActivationPrecision.Exact)]` keeps σ and tanh accurate to about one float ulp (e^x-based, 1.2e-7);");
        md.AppendLine("the default `Fast` uses a rational tanh (tested maximum error 3e-7 absolute, σ 2e-7). Same run, same weights:");
        md.AppendLine();
        md.AppendLine("| model | Fast ns | Exact ns | Exact / Fast |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (string group in new[] { "Lstm_1x8", "Lstm_1x32", "Lstm_16x128", "Gru_1x8", "Gru_1x32" })
        {
            if (Ns(group + "_Generated") is double fast && Ns(group + "_Exact") is double exact)
                md.AppendLine($"| {Label(group)} | {fast:0.0} | {exact:0.0} | {exact / fast:0.00}× |");
        }
        md.AppendLine();
    }

    private void AppendOtherHotPaths(StringBuilder md)
    {
        md.AppendLine("## Other hot paths");
        md.AppendLine();
        md.AppendLine("| benchmark | what | median | GFLOP/s | % of peak | allocated B |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        void Row(string method, string what)
        {
            if (!_results.TryGetValue(method, out var r)) return;
            double gflops = Gflops(method, r.MedianNs);
            md.AppendLine($"| `{method}` | {what} | {Time(r.MedianNs)} | {gflops:0.0} | {PercentOfPeak(gflops)} | {r.AllocatedBytes} |");
        }
        Row("Rnn_8x64_Generated", "Step, vanilla tanh RNN 8→64 + Dense(1)");
        Row("LstmStack_8x64x64_Generated", "Step, LSTM 8→64 → LSTM 64→64 + Dense(1)");
        Row("Sample_Lstm8x64", "streaming sample end to end: ZScoreNormalizer (8 inputs) → StreamRunner Step LSTM 8→64 + Dense(1) → EmaSmoother");
        Row("Forward_Lstm8x32", "Forward, LSTM 8→32 + Dense(4), T=50");
        Row("Forward_Gru8x32", "Forward, GRU 8→32 + Dense(4), T=50");
        Row("Forward_Lstm16x128", "Forward, LSTM 16→128 + Dense(1), T=50");
        Row("Backward_Lstm8x32", "Backward (BPTT), LSTM 8→32, T=50");
        Row("Backward_Gru8x32", "Backward (BPTT), GRU 8→32, T=50");
        Row("Backward_Lstm16x128", "Backward (BPTT), LSTM 16→128, T=50");
        Row("TrainStep_Lstm8x32", "training step: Forward → SoftmaxCrossEntropy → BackwardFromLogits → Adam, LSTM 8→32, T=50");
        Row("TrainStep_Gru8x32", "training step, GRU 8→32, T=50");
        md.AppendLine();
        md.AppendLine("The streaming row runs the real runtime: `ZScoreNormalizer` → `StreamRunner` (finiteness check, Step, latency meter,");
        md.AppendLine("counters) → `EmaSmoother`.");
        md.AppendLine();
    }

    private void AppendPyTorch(StringBuilder md)
    {
        md.AppendLine("## Training step against PyTorch, same run");
        md.AppendLine();
        if (_run.PyTorch is not { } pytorch)
        {
            md.AppendLine("PyTorch was not measured in this run (`/usr/bin/python3` with `torch` not found).");
            md.AppendLine();
            return;
        }
        md.AppendLine($"PyTorch {pytorch.Version} float32, `torch.set_num_threads(1)`, measured by `benchmarks/RnnGen.Benchmarks/pytorch_train_step.py` in the same run:");
        md.AppendLine("`nn.LSTM`/`nn.GRU`(8, 32) + `nn.Linear`(32, 4) on the last step, batch 1, T=50, `CrossEntropyLoss`, `Adam`.");
        md.AppendLine();
        md.AppendLine("| | PyTorch | generated | PyTorch / generated |");
        md.AppendLine("|---|---:|---:|---:|");
        void Versus(string label, double torchNs, string method)
        {
            if (Ns(method) is double ns) md.AppendLine($"| {label} | {Time(torchNs)} | {Time(ns)} | **{torchNs / ns:0.0}×** |");
        }
        Versus("LSTM 8→32 training step", pytorch.LstmTrainStepNs, "TrainStep_Lstm8x32");
        Versus("GRU 8→32 training step", pytorch.GruTrainStepNs, "TrainStep_Gru8x32");
        Versus("LSTM 8→32 forward", pytorch.LstmForwardNs, "Forward_Lstm8x32");
        Versus("GRU 8→32 forward", pytorch.GruForwardNs, "Forward_Gru8x32");
        md.AppendLine();
    }

    /// <summary>
    /// RnnGen / RTNeural per model, from the interleaved processes: the model's Step (<see cref="RtNeuralTimings.StepBackend"/>)
    /// or its inference copy's (<see cref="RtNeuralTimings.InferenceBackend"/>).
    /// </summary>
    private List<(string Group, double Ratio)> RtNeuralRatios(string side) => _run.RtNeural is not { } rt ? [] :
        StepGroups.Where(g => rt.BestRtNeural(g) is not null && rt.Best(g, side) is not null)
            .Select(g => (g, rt.Best(g, side)!.Value / rt.BestRtNeural(g)!.Value.Ns)).ToList();

    private void AppendTargets(StringBuilder md)
    {
        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---|---|");
        foreach (var (side, what) in new[] { (RtNeuralTimings.StepBackend, "RnnGen"), (RtNeuralTimings.InferenceBackend, "RnnGen inference copy") })
        {
            var rt = RtNeuralRatios(side);
            if (rt.Count == 0)
                md.AppendLine($"| {what} / RTNeural ≤ 0.70 at all twelve sizes, same run | not measured: {_run.Peers.NoRtNeuralReason ?? $"no {what} timings in the RTNeural comparison"} | ❌ |");
            else
            {
                var worst = rt.MaxBy(r => r.Ratio);
                md.AppendLine($"| {what} / RTNeural ≤ 0.70 at all twelve sizes, same run | {rt.Min(r => r.Ratio):0.00}–{worst.Ratio:0.00} over {rt.Count} sizes, worst {Label(worst.Group)} | {Mark(rt.Count == StepGroups.Length && worst.Ratio <= 0.70)} |");
            }
        }
        foreach (var (prefix, what) in new[] { (Uniformity.Model, ""), (Uniformity.Copy, " (inference copy)") })
        {
            var uniform = UniformityRatios(prefix).Where(r => r.Ratio is not null).ToList();
            if (uniform.Count == 0) continue;
            var worst = uniform.MaxBy(r => r.Ratio);
            md.AppendLine($"| no cliff{what}: every off-grid size ≤ 1.3× per multiply-add of its on-grid neighbour | worst {worst.Ratio:0.00} ({worst.Label}, H={worst.OffGrid} vs {worst.OnGrid}); {uniform.Count(r => r.Ratio > 1.3)} of {uniform.Count} above 1.3 | {Mark(uniform.All(r => r.Ratio <= 1.3))} |");
        }
        var fiveX = StepGroups.Where(g => !g.EndsWith("x8") && !g.EndsWith("x16") && Ns(g + "_Scalar") is not null && Ns(g + "_Generated") is not null)
            .Select(g => (g, ratio: Ns(g + "_Scalar")!.Value / Ns(g + "_Generated")!.Value)).ToList();
        if (fiveX.Count > 0)
            md.AppendLine($"| ≥ 5× the scalar baseline from H=32 up | lowest {fiveX.Min(x => x.ratio):0.0}× ({Label(fiveX.MinBy(x => x.ratio).g)}) | {Mark(fiveX.All(x => x.ratio >= 5))} |");
        foreach (string g in new[] { "Lstm_16x128", "Gru_16x128" })
        {
            if (Ns(g + "_Generated") is not double ns) continue;
            double gflops = Gflops(g, ns);
            string bound = L2Fraction(g, Generated) is double fraction
                ? $"; the L2 streaming bound is {PercentOfPeak(Gflops(StreamOf(g), BoundNs(StreamOf(g))!.Value))} of peak, and this Step reaches **{100 * fraction:0}% of the L2 bound**"
                : "; no L2 bound measured";
            md.AppendLine($"| ≥ 40% of FMA peak at 16→128 ({Label(g)}) | {gflops:0.0} GFLOP/s = {PercentOfPeak(gflops)}{bound} | {Mark(gflops / _peak >= 0.4)} |");
        }
        if (_run.PyTorch is { } pytorch && Ns("TrainStep_Lstm8x32") is double train)
            md.AppendLine($"| training step LSTM 8→32, T=50 ≥ 20× PyTorch | {pytorch.LstmTrainStepNs / train:0.0}× | {Mark(pytorch.LstmTrainStepNs / train >= 20)} |");
        var (measured, allocating) = Allocations();
        md.AppendLine("| 0 bytes allocated on every hot path | on the calling thread: asserted by the tests (`GC.GetAllocatedBytesForCurrentThread`, every Step/Forward/Backward/optimizer/streaming/batch path); "
            + $"BenchmarkDotNet's count covers every thread of the process (the JIT's tier-up and the runtime's own included): {(allocating.Count == 0 ? $"0 B in all {measured} RnnGen benchmarks" : $"0 B in {measured - allocating.Count} of {measured}; " + string.Join(", ", allocating))} | {(allocating.Count == 0 ? Mark(true) : "see CI")} |");
        foreach (string g in new[] { "Lstm_16x128", "Gru_16x128" })
        {
            foreach (var (suffix, name, goal) in new[] { ("_Int8", "int8", 1.8), ("_BFloat16", "bf16", 1.4) })
            {
                if (Ns(g + "_Generated") is double f32 && Ns(g + suffix) is double low)
                    md.AppendLine($"| {Label(g)} Step {name} ≥ {goal:0.0}× faster than float32 | {f32 / low:0.00}× ({f32:0} → {low:0} ns) | {Mark(f32 / low >= goal)} |");
            }
        }
        var slowerLow = StepGroups.SelectMany(g => new[] { (g, "_Int8", "int8"), (g, "_BFloat16", "bf16") })
            .Where(x => Ns(x.g + "_Generated") is double f32 && Ns(x.g + x.Item2) is double low && low > f32)
            .Select(x => $"{Label(x.g)} {x.Item3} ({Ns(x.g + "_Generated")!.Value / Ns(x.g + x.Item2)!.Value:0.00}×)").ToList();
        if (StepGroups.Any(g => Ns(g + "_Int8") is not null))
            md.AppendLine($"| int8 and bf16 never slower than float32 | {(slowerLow.Count == 0 ? "at or below float32 at all 12 sizes" : "slower at " + string.Join(", ", slowerLow))} | {Mark(slowerLow.Count == 0)} |");
        foreach (string g in new[] { "Lstm_16x128", "Gru_16x128" })
        {
            var m = PrecisionModels.FirstOrDefault(x => x.Group == g);
            if (m.Group is null) continue;
            double int8 = WeightBytes(m.Int8).Ratio, bf16 = WeightBytes(m.BFloat16).Ratio;
            md.AppendLine($"| {Label(g)} weight bytes: int8 ≤ 0.27× (scales included), bf16 0.5× | int8 {int8:0.000}×, bf16 {bf16:0.000}× | {Mark(int8 <= 0.27 && bf16 <= 0.5)} |");
        }
        md.AppendLine("| accuracy unchanged | the PyTorch conformance cases pass `1e-5 + 1e-4·\\|want\\|` (`dotnet test`) | see CI |");
        md.AppendLine("| low-precision accuracy | the 8 `rnngen-quant-case/1` cases pass int8 within 1.5× PyTorch's `quantize_dynamic` error and bf16 within 1.5× the bf16-rounded module's (`dotnet test`, every kernel tier) | see CI |");
        md.AppendLine("| the 128-bit paths verified | `rnngen verify` on the row-block and off-grid PyTorch cases on linux-arm64 under qemu (`Arm64Tests`) and on x86 with AVX2 off (`SsePathTests`), and `rnngen bench` naming each layer's path | see CI |");
        md.AppendLine();
    }

    /// <summary>README's Speed section for this run, between <see cref="ReadmeBegin"/> and <see cref="ReadmeEnd"/>.</summary>
    public string ReplaceReadmeSpeed(string readme)
    {
        int begin = readme.IndexOf(ReadmeBegin, StringComparison.Ordinal), end = readme.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin) throw new InvalidOperationException($"README has no '{ReadmeBegin}' … '{ReadmeEnd}' markers around its Speed section");
        return readme[..(begin + ReadmeBegin.Length)] + "\n" + ReadmeSpeed() + readme[end..];
    }

    private string ReadmeSpeed()
    {
        var s = new StringBuilder();
        s.AppendLine("One stateful `Step` (batch 1, float32, one thread) of LSTM/GRU (I→H) + Dense(H→1) at the twelve sizes from 1→8 to");
        s.AppendLine($"16→128, measured {_written:yyyy-MM-dd} on {CpuName()} ({VectorIsa()}), load average {_loadAtEnd.Split(' ')[0]}{(_run.Quick ? ", quick mode" : "")}. Every ratio");
        s.AppendLine("below is from that one run of `benchmarks/run.sh`, peers and RnnGen on the same weights with outputs checked equal first");
        s.AppendLine("([docs/PERFORMANCE.md](docs/PERFORMANCE.md)); a time ratio below 1 means RnnGen is faster.");
        if (Shared() is { } shared)
            s.AppendLine($"**{shared}**");
        s.AppendLine();
        var rt = RtNeuralRatios(RtNeuralTimings.StepBackend);
        s.AppendLine(rt.Count > 0
            ? $"- RnnGen / RTNeural (compile-time C++ API, g++ -O3 -march=native, its faster backend, processes interleaved): {rt.Min(r => r.Ratio):0.00}–{rt.Max(r => r.Ratio):0.00}."
            : $"- RTNeural was not measured in this run ({_run.Peers.NoRtNeuralReason ?? "no timings"}), so no claim is made against it.");
        string OrtRange(string workload, string ours)
        {
            var ratios = StepGroups.Where(g => Ns($"Ort_{g}_{workload}") is not null && Ns(g + ours) is not null)
                .Select(g => Ns(g + ours)!.Value / Ns($"Ort_{g}_{workload}")!.Value).ToList();
            return ratios.Count == 0 ? "not measured" : $"{ratios.Min():0.00}–{ratios.Max():0.00}";
        }
        s.AppendLine(_run.Peers.NoOnnxReason is { } noOnnx
            ? $"- ONNX Runtime was not measured in this run ({noOnnx})."
            : $"- RnnGen / ONNX Runtime {OrtVersion()} (one thread, IOBinding): Step {OrtRange("Step", "_Generated")}, Forward over 50 steps {OrtRange("Forward", "_Forward50")}, 64 streams one step {OrtRange("Batch64", "_Batch64")}.");
        var scalar = StepGroups.Where(g => Ns(g + "_Scalar") is not null && Ns(g + "_Generated") is not null).Select(g => Ns(g + "_Scalar")!.Value / Ns(g + "_Generated")!.Value).ToList();
        var tp = StepGroups.Where(g => Ns(g + "_TensorPrimitives") is not null && Ns(g + "_Generated") is not null).Select(g => Ns(g + "_TensorPrimitives")!.Value / Ns(g + "_Generated")!.Value).ToList();
        if (scalar.Count > 0 && tp.Count > 0)
            s.AppendLine($"- {scalar.Min():0.#}–{scalar.Max():0.#}× faster than a textbook scalar C# implementation and {tp.Min():0.#}–{tp.Max():0.#}× faster than one built on `TensorPrimitives`.");
        if (_run.PyTorch is { } pytorch && Ns("TrainStep_Lstm8x32") is double train)
            s.AppendLine($"- A full training step (Forward, cross-entropy, BPTT, Adam) of LSTM 8→32 over 50 steps is {pytorch.LstmTrainStepNs / train:0}× faster than PyTorch {pytorch.Version} on one thread.");
        var uniform = UniformityRatios(Uniformity.Model).Where(r => r.Ratio is not null).ToList();
        if (uniform.Count > 0)
        {
            var worst = uniform.MaxBy(r => r.Ratio);
            s.AppendLine($"- Hidden sizes off the vector grid (10, 13, 20, 37, 50, 100, 200) cost at most {worst.Ratio:0.00}× per multiply-add of the nearest multiple of 8 (worst: {worst.Label}, H={worst.OffGrid}).");
        }
        if (InferenceSpeedLine() is { } inference)
            s.AppendLine(inference);
        if (L2Fraction("Lstm_16x128", Generated) is double fraction && Ns("Lstm_16x128_Generated") is double big)
            s.AppendLine($"- LSTM 16→128 takes {Time(big)}: {100 * fraction:0}% of the L2 streaming bound (its weights stream from L2 every step), {PercentOfPeak(Gflops("Lstm_16x128", big))} of the FMA peak.");
        var (hotPaths, nonZero) = Allocations();
        s.AppendLine(nonZero.Count == 0
            ? "- 0 bytes allocated in every hot path."
            : $"- 0 bytes allocated on the calling thread in every hot path (asserted by the tests); BenchmarkDotNet, which counts every thread of the process, saw a few bytes per call in {nonZero.Count} of {hotPaths} benchmarks (the JIT's and the runtime's background work).");
        return s.ToString();
    }

    /// <summary>
    /// README's line on the inference copies, from this run's figures: against RTNeural, against the model's Step, and the
    /// uniformity worst case; null when no inference copy was timed.
    /// </summary>
    private string? InferenceSpeedLine()
    {
        static string Range(IReadOnlyCollection<double> ratios) => $"{ratios.Min():0.00}–{ratios.Max():0.00}";
        var parts = new List<string>();
        var rt = RtNeuralRatios(RtNeuralTimings.InferenceBackend);
        parts.Add(rt.Count > 0 ? $"RnnGen inference / RTNeural {Range(rt.Select(r => r.Ratio).ToList())}" : "RTNeural not measured against it");
        var step = StepGroups.Where(g => Ns(g + Inference) is not null && Ns(g + Generated) is not null)
            .Select(g => Ns(g + Inference)!.Value / Ns(g + Generated)!.Value).ToList();
        if (step.Count > 0) parts.Add($"inference / the model's `Step` {Range(step)}");
        var uniform = UniformityRatios(Uniformity.Copy).Where(r => r.Ratio is not null).ToList();
        if (uniform.Count > 0)
        {
            var worst = uniform.MaxBy(r => r.Ratio);
            parts.Add($"off-grid hidden sizes at most {worst.Ratio:0.00}× per multiply-add of the nearest multiple of 8 (worst: {worst.Label}, H={worst.OffGrid})");
        }
        return rt.Count == 0 && step.Count == 0 && uniform.Count == 0 ? null
            : $"- The inference copy (`ToInference()`, [docs/inference.md](docs/inference.md)), same sizes and weights: {string.Join("; ", parts)}.";
    }

    /// <summary>
    /// The RnnGen hot paths (not the baselines, the peers, or the machine-bound references — FMA peak, L2 streaming — which
    /// run no RnnGen code) and those whose MemoryDiagnoser figure is not 0 B; a hot path without a figure is listed too.
    /// MemoryDiagnoser counts <c>GC.GetTotalAllocatedBytes</c>, every thread of the process.
    /// </summary>
    private (int HotPaths, List<string> NonZero) Allocations()
    {
        var hotPaths = _results.Where(r => !r.Value.Peer && r.Key != nameof(FmaPeak.Peak) && !r.Key.StartsWith("Stream_")
                                           && !r.Key.EndsWith("_Scalar") && !r.Key.EndsWith("_TensorPrimitives")).ToList();
        var nonZero = hotPaths.Where(r => r.Value.AllocatedBytes is not 0)
            .Select(r => r.Value.AllocatedBytes is long bytes ? $"{r.Key} ({bytes} B)" : $"{r.Key} (not measured)").ToList();
        return (hotPaths.Count, nonZero);
    }

    /// <summary>Multiply-adds per operation of every benchmark that has a FLOP count.</summary>
    private static long? MultiplyAdds(string key)
    {
        static long Cell(int gates, int inputs, int hidden) => (long)gates * hidden * (inputs + hidden);
        // One BPTT step: dW += da ⊗ [x, h] and dh = W_hhᵀ da (dx is not requested).
        static long CellBackward(int gates, int inputs, int hidden) => (long)gates * hidden * (inputs + 2 * hidden);
        const int T = 50;
        foreach (var (i, h) in new[] { (1, 8), (1, 16), (1, 32), (1, 64), (8, 64), (16, 128) })
        {
            if (key == $"Lstm_{i}x{h}") return Cell(4, i, h) + h;
            if (key == $"Gru_{i}x{h}") return Cell(3, i, h) + h;
        }
        return key switch
        {
            "Rnn_8x64" => Cell(1, 8, 64) + 64,
            "LstmStack_8x64x64" or "LstmStack_8x64x64_Generated" => Cell(4, 8, 64) + Cell(4, 64, 64) + 64,
            "Rnn_8x64_Generated" => Cell(1, 8, 64) + 64,
            "Sample_Lstm8x64" => Cell(4, 8, 64) + 64,
            "Forward_Lstm8x32" => T * Cell(4, 8, 32) + 4 * 32,
            "Forward_Gru8x32" => T * Cell(3, 8, 32) + 4 * 32,
            "Forward_Lstm16x128" => T * Cell(4, 16, 128) + 128,
            "Backward_Lstm8x32" => T * CellBackward(4, 8, 32) + 2 * 4 * 32,
            "Backward_Gru8x32" => T * CellBackward(3, 8, 32) + 2 * 4 * 32,
            "Backward_Lstm16x128" => T * CellBackward(4, 16, 128) + 2 * 128,
            "TrainStep_Lstm8x32" => T * Cell(4, 8, 32) + 4 * 32 + T * CellBackward(4, 8, 32) + 2 * 4 * 32,
            "TrainStep_Gru8x32" => T * Cell(3, 8, 32) + 4 * 32 + T * CellBackward(3, 8, 32) + 2 * 4 * 32,
            "Stream_Lstm16x128" or "Stream_LoadsOnlyLstm16x128" => StreamBound.LstmWeights, // loads only: what the same FMAs would be worth at the loads' pace
            "Stream_Gru16x128" => StreamBound.GruWeights,
            _ => null,
        };
    }

    /// <summary>Multiply-adds of one Step of a <see cref="Uniformity"/> model: the cell (I = 8) and Dense(1).</summary>
    private static double UniformMacs(string kind, int h)
    {
        const int I = 8;
        int p = h / 2;
        return kind switch
        {
            "Lstm" => 4.0 * h * (I + h) + h,
            "LstmProj" => 4.0 * h * (I + p) + (double)p * h + p,
            "Gru" or "GruResetBefore" => 3.0 * h * (I + h) + h,
            "Rnn" => (double)h * (I + h) + h,
            _ => throw new ArgumentException($"unknown cell kind {kind}"),
        };
    }

    /// <summary>The low-precision models of the step grid, for their weight bytes.</summary>
    private static readonly (string Group, IQuantizedModel Int8, IQuantizedModel BFloat16)[] PrecisionModels = new PrecisionLatency().Models().ToArray();

    /// <summary>
    /// The bytes of recurrent weights a Step multiplies and their ratio to float32's: int8 column pairs one a weight and four
    /// a row's scale, bf16 lanes two a weight, rounded float copies (small layers) four.
    /// </summary>
    private static (long Bytes, double Ratio) WeightBytes(IQuantizedModel model)
    {
        long bytes = 0, float32 = 0;
        foreach (var t in model.QuantizedTensors)
        {
            long weights = (long)t.Rows * t.Columns;
            float32 += 4 * weights;
            bytes += t.Layout switch
            {
                QuantizedLayout.Int8ColumnPairs => weights + 4L * t.Rows,
                QuantizedLayout.BFloat16Lanes => 2 * weights,
                _ => 4 * weights,
            };
        }
        return (bytes, (double)bytes / float32);
    }

    /// <summary>What a model's layer 0 runs: the int8 or bf16 kernels, or float32 kernels over rounded copies.</summary>
    private static string Products(IQuantizedModel model) => model.QuantizedTensors[0].Layout switch
    {
        QuantizedLayout.Int8ColumnPairs => "int8 × int16",
        QuantizedLayout.BFloat16Lanes => "bf16 widened",
        _ => "float32, rounded copy",
    };

    private void AppendPrecision(StringBuilder md)
    {
        long? Allocated(string name) => _results.TryGetValue(name, out var r) ? r.AllocatedBytes : null;
        if (!StepGroups.Any(g => Ns(g + "_Int8") is not null)) return;
        md.AppendLine("## Precision");
        md.AppendLine();
        md.AppendLine("`[RecurrentModel(Precision = WeightPrecision.Int8 | BFloat16)]` (docs/quantization.md): the same models, weights and inputs as the");
        md.AppendLine("step table, with the recurrent weights in int8 (per-row scales, vectors quantized to 16 bits per step) or bfloat16. Weight bytes are");
        md.AppendLine("those a Step multiplies, against float32's; a saved file holds the same recurrent bytes (biases and head stay float32 in both).");
        md.AppendLine();
        md.AppendLine("| model | float32 ns | int8 ns | float32 / int8 | bf16 ns | float32 / bf16 | int8 weight bytes | bf16 weight bytes | products (int8 / bf16) | allocated B |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var (group, int8, bf16) in PrecisionModels)
        {
            if (Ns(group + "_Generated") is not double f32 || Ns(group + "_Int8") is not double q || Ns(group + "_BFloat16") is not double b) continue;
            var (int8Bytes, int8Ratio) = WeightBytes(int8);
            var (bf16Bytes, bf16Ratio) = WeightBytes(bf16);
            long? bytes = Allocated(group + "_Int8") is long a1 && Allocated(group + "_BFloat16") is long a2 ? a1 + a2 : null;
            md.AppendLine($"| {Label(group)} | {f32:0.0} | **{q:0.0}** | {f32 / q:0.00}× | **{b:0.0}** | {f32 / b:0.00}× | {int8Bytes:N0} ({int8Ratio:0.000}×) | {bf16Bytes:N0} ({bf16Ratio:0.000}×) | {Products(int8)} / {Products(bf16)} | {bytes?.ToString(CultureInfo.InvariantCulture) ?? "–"} |");
        }
        md.AppendLine();
        md.AppendLine("**The int8 product, measured both ways** (`Int8Products`: the 4H gate rows of one LSTM step, W_ih x + W_hh h + b, nothing else):");
        md.AppendLine("x and h quantized to 16 bits per step with integer pair products (`IntegerDot`, shipped) against the same int8 weights widened to float");
        md.AppendLine("in registers and multiplied by the float vectors with FMAs (`DequantizeFma`), beside the float32 row blocks on the float weights.");
        md.AppendLine();
        md.AppendLine("| size | float32 ns | IntegerDot ns | DequantizeFma ns | IntegerDot / DequantizeFma |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (string size in new[] { "16x128", "8x64", "1x32" })
        {
            if (Ns($"Int8Products_{size}_Float32") is double f && Ns($"Int8Products_{size}_IntegerDot") is double i && Ns($"Int8Products_{size}_DequantizeFma") is double d)
                md.AppendLine($"| LSTM {size.Replace("x", "→")} | {f:0.0} | **{i:0.0}** | {d:0.0} | {i / d:0.00}× |");
        }
        md.AppendLine();
        md.AppendLine(PrecisionAnalysis.Text);
    }

    private static string Mark(bool met) => met ? "✅" : "❌";
    private static string Label(string group) => group.Replace("_", " ").Replace("x", "→");
    private static string F(double? ns) => ns is double v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "–";
    private static string Ratio(double? baseline, double ns) => baseline is double b ? $"{b / ns:0.0}×" : "–";
    private static string Time(double ns) => ns >= 1e6 ? $"{ns / 1e6:0.00} ms" : ns >= 1e3 ? $"{ns / 1e3:0.0} µs" : $"{ns:0.0} ns";

    /// <summary>
    /// A warning when other work shared the machine during the run (a 1-minute load average above 1.5 at its start or end,
    /// on a machine this suite keeps one core of busy): then absolute times are inflated, even the FMA peak, and ratios
    /// are noisy.
    /// </summary>
    private string? Shared()
    {
        static double OneMinute(string load) => double.TryParse(load.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 0;
        double worst = Math.Max(OneMinute(_run.LoadAtStart), OneMinute(_loadAtEnd));
        return worst <= 1.5 ? null
            : $"Other work shared this machine during the run (load average up to {worst:0.#} on {Environment.ProcessorCount} cores): times are inflated and ratios noisy, so these figures are not fit to quote. Rerun `benchmarks/run.sh` on an idle machine.";
    }

    /// <summary>The 1, 5 and 15 minute load averages, "a / b / c".</summary>
    public static string LoadAverage()
    {
        const string loadavg = "/proc/loadavg";
        return File.Exists(loadavg) ? string.Join(" / ", File.ReadAllText(loadavg).Split(' ').Take(3)) : "unknown";
    }

    private static string VectorIsa() =>
        Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2"
        : System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "AdvSimd (128-bit)" : Vector128.IsHardwareAccelerated ? "128-bit SIMD" : "no SIMD";

    private static string CpuName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name")) : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
