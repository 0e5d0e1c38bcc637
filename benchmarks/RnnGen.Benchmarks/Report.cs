using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;

namespace RnnGen.Benchmarks;

/// <summary>PyTorch float32 timings measured by pytorch_train_step.py (median ns, one thread).</summary>
public sealed record PyTorchTimings(string Version, double LstmTrainStepNs, double GruTrainStepNs, double LstmForwardNs, double GruForwardNs)
{
    public static PyTorchTimings Read(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        return new(root.GetProperty("torch").GetString() ?? "?", root.GetProperty("lstm_train_step_ns").GetDouble(),
            root.GetProperty("gru_train_step_ns").GetDouble(), root.GetProperty("lstm_forward_ns").GetDouble(), root.GetProperty("gru_forward_ns").GetDouble());
    }
}

/// <summary>
/// Turns one run's summaries into docs/PERFORMANCE.md: medians, generated/baseline ratios, GFLOP/s against the measured
/// FMA peak, allocations, and each of the issue's targets marked met or missed from these numbers alone.
/// FLOPs count only the matrix products (2 per multiply-add); activations and element-wise work are not counted.
/// </summary>
public static class Report
{
    /// <summary>RTNeural compile-time API, median ns per Step of (I→H) + Dense(H→1), as given in the speed issue (not built here).</summary>
    private static readonly Dictionary<string, double> RtNeural = new()
    {
        ["Lstm_1x8"] = 53, ["Lstm_1x16"] = 78, ["Lstm_1x32"] = 132, ["Lstm_1x64"] = 671, ["Lstm_8x64"] = 755, ["Lstm_16x128"] = 2858,
        ["Gru_1x8"] = 47, ["Gru_1x16"] = 74, ["Gru_1x32"] = 114, ["Gru_1x64"] = 484, ["Gru_8x64"] = 543, ["Gru_16x128"] = 2154,
    };

    private static readonly string[] StepGroups = ["Lstm_1x8", "Lstm_1x16", "Lstm_1x32", "Lstm_1x64", "Lstm_8x64", "Lstm_16x128",
        "Gru_1x8", "Gru_1x16", "Gru_1x32", "Gru_1x64", "Gru_8x64", "Gru_16x128"];

    /// <summary>Multiply-adds of one step of a cell with G gates, I inputs, H hidden units (gate rows × (I + H)).</summary>
    private static long Cell(int gates, int inputs, int hidden) => (long)gates * hidden * (inputs + hidden);

    /// <summary>Multiply-adds of one BPTT step: dW += da ⊗ [x, h] and dh = W_hhᵀ da (dx is not requested).</summary>
    private static long CellBackward(int gates, int inputs, int hidden) => (long)gates * hidden * (inputs + 2 * hidden);

    /// <summary>Multiply-adds per operation of every benchmark that has a FLOP count.</summary>
    private static readonly Dictionary<string, long> MultiplyAdds = BuildMultiplyAdds();

    private static Dictionary<string, long> BuildMultiplyAdds()
    {
        var table = new Dictionary<string, long>();
        foreach (var (i, h) in new[] { (1, 8), (1, 16), (1, 32), (1, 64), (8, 64), (16, 128) })
        {
            table[$"Lstm_{i}x{h}"] = Cell(4, i, h) + h;
            table[$"Gru_{i}x{h}"] = Cell(3, i, h) + h;
        }
        table["Rnn_8x64"] = Cell(1, 8, 64) + 64;
        table["LstmStack_8x64x64"] = Cell(4, 8, 64) + Cell(4, 64, 64) + 64;
        table["Sample_Lstm8x64"] = table["Lstm_8x64"];
        const int T = 50;
        table["Forward_Lstm8x32"] = T * Cell(4, 8, 32) + 4 * 32;
        table["Forward_Gru8x32"] = T * Cell(3, 8, 32) + 4 * 32;
        table["Forward_Lstm16x128"] = T * Cell(4, 16, 128) + 128;
        table["Backward_Lstm8x32"] = T * CellBackward(4, 8, 32) + 2 * 4 * 32;
        table["Backward_Gru8x32"] = T * CellBackward(3, 8, 32) + 2 * 4 * 32;
        table["Backward_Lstm16x128"] = T * CellBackward(4, 16, 128) + 2 * 128;
        table["TrainStep_Lstm8x32"] = table["Forward_Lstm8x32"] + table["Backward_Lstm8x32"];
        table["TrainStep_Gru8x32"] = table["Forward_Gru8x32"] + table["Backward_Gru8x32"];
        table["Stream_Lstm16x128"] = StreamBound.LstmWeights;
        table["Stream_Gru16x128"] = StreamBound.GruWeights;
        table["Stream_LoadsOnlyLstm16x128"] = StreamBound.LstmWeights; // what the same FMAs would be worth at the loads' pace
        return table;
    }

    private sealed record Result(double MedianNs, long? AllocatedBytes);

    public static string Markdown(Summary[] summaries, string command, bool quick, PyTorchTimings? pytorch)
    {
        var results = summaries.SelectMany(s => s.Reports)
            .Where(r => r.ResultStatistics is not null)
            .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r => new Result(r.ResultStatistics!.Median, r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)));
        double? Ns(string name) => results.TryGetValue(name, out var r) ? r.MedianNs : null;
        double peak = Ns(nameof(FmaPeak.Peak)) is double fmaNs ? FmaPeak.Lanes * 2 / fmaNs : double.NaN; // GFLOP/s = FLOP/ns
        double Gflops(string group, double ns) => MultiplyAdds.TryGetValue(group, out long macs) ? 2.0 * macs / ns : double.NaN;
        string PercentOfPeak(double gflops) => double.IsNaN(gflops) || double.IsNaN(peak) ? "–" : $"{100 * gflops / peak:0.#}%";

        var md = new StringBuilder();
        md.AppendLine("# Performance");
        md.AppendLine();
        md.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `{command}` ({(quick ? "quick mode: few, short iterations — expect ±10–15%" : "full mode")}).");
        md.AppendLine("Regenerate with `benchmarks/run.sh` (about 5 minutes) or `benchmarks/run.sh --quick` (about a minute); it runs the");
        md.AppendLine("BenchmarkDotNet suite in `benchmarks/RnnGen.Benchmarks` and the PyTorch script beside it, then rewrites this file.");
        md.AppendLine();
        md.AppendLine($"- Machine: {CpuName()}, {Environment.ProcessorCount} cores, {VectorIsa()}; {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}.");
        md.AppendLine($"- Load average when the report was written (1/5/15 min): {LoadAverage()}. Anything above ~1 means other work shared the cores.");
        md.AppendLine("- Single thread, batch 1, float32. Times are BenchmarkDotNet medians; every case of the table ran in the same process, one after another.");
        md.AppendLine("- GFLOP/s count only the matrix products, 2 FLOPs per multiply-add (a Step of LSTM(I→H) + Dense(H→1) is 4H(I+H) + H multiply-adds);");
        md.AppendLine("  activations are not counted. \"% of peak\" divides by the FMA peak measured in the same run.");
        md.AppendLine("- RTNeural figures are the speed issue's measurements on this machine kind (g++ 12 -O3 -march=native, best of Eigen/xsimd);");
        md.AppendLine("  RTNeural is not built here.");
        md.AppendLine();
        md.AppendLine($"**Measured FMA peak: {peak:0.0} GFLOP/s** ({FmaPeak.Lanes}-float vectors, 16 independent accumulators, `FmaPeak.Peak`).");
        md.AppendLine();
        // Without AVX-512 the StreamBound methods return at once (NaN): no bound was measured.
        double? BoundNs(string method) => Avx512F.IsSupported ? Ns(method) : null;
        string StreamLine(string method, string what)
        {
            if (BoundNs(method) is not double ns) return "";
            double gflops = Gflops(method, ns);
            return $"{what} {Time(ns)} = {gflops:0.0} GFLOP/s = **{PercentOfPeak(gflops)} of peak**";
        }
        string lstmBound = StreamLine("Stream_Lstm16x128", "LSTM 16→128 (295 KB)"), gruBound = StreamLine("Stream_Gru16x128", "GRU 16→128 (221 KB)");
        if (lstmBound.Length > 0)
        {
            md.AppendLine($"**Measured L2 streaming bound** (`StreamBound`: one FMA per weight, read in address order, nothing else): {lstmBound}; {gruBound}.");
            md.AppendLine("The 16→128 weights do not fit the 48 KB L1, so every Step streams them from L2 and cannot run faster than this.");
            if (BoundNs("Stream_LoadsOnlyLstm16x128") is double loadsNs)
                md.AppendLine($"The loads alone set it: loading the LSTM's 295 KB with no arithmetic (`Stream_LoadsOnlyLstm16x128`) takes {Time(loadsNs)}, " +
                              $"which is {PercentOfPeak(Gflops("Stream_LoadsOnlyLstm16x128", loadsNs))} of peak for that Step's multiply-adds before any of them runs.");
            md.AppendLine();
        }

        md.AppendLine("## Step latency: model (I→H) + Dense(H→1), one stateful step");
        md.AppendLine();
        md.AppendLine("| model | RTNeural ns | generated ns | scalar ns | TensorPrimitives ns | RTNeural / generated | scalar / generated | TensorPrimitives / generated | generated GFLOP/s | % of peak | allocated B |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string group in StepGroups)
        {
            if (Ns(group + "_Generated") is not double gen) continue;
            double? scalar = Ns(group + "_Scalar"), tp = Ns(group + "_TensorPrimitives");
            double rt = RtNeural[group], gflops = Gflops(group, gen);
            md.AppendLine($"| {Label(group)} | {rt:0} | **{gen:0.0}** | {F(scalar)} | {F(tp)} | {rt / gen:0.00}× | {Ratio(scalar, gen)} | {Ratio(tp, gen)} | {gflops:0.0} | {PercentOfPeak(gflops)} | {results[group + "_Generated"].AllocatedBytes} |");
        }
        md.AppendLine();

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

        AppendPrecision(md, Ns, results.ToDictionary(r => r.Key, r => r.Value.AllocatedBytes));

        md.AppendLine("## Other hot paths");
        md.AppendLine();
        md.AppendLine("| benchmark | what | median | GFLOP/s | % of peak | allocated B |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        void Row(string method, string group, string what)
        {
            if (!results.TryGetValue(method, out var r)) return;
            double gflops = Gflops(group, r.MedianNs);
            md.AppendLine($"| `{method}` | {what} | {Time(r.MedianNs)} | {gflops:0.0} | {PercentOfPeak(gflops)} | {r.AllocatedBytes} |");
        }
        Row("Rnn_8x64_Generated", "Rnn_8x64", "Step, vanilla tanh RNN 8→64 + Dense(1)");
        Row("LstmStack_8x64x64_Generated", "LstmStack_8x64x64", "Step, LSTM 8→64 → LSTM 64→64 + Dense(1)");
        Row("Sample_Lstm8x64", "Sample_Lstm8x64", "streaming sample end to end: ZScoreNormalizer (8 inputs) → StreamRunner Step LSTM 8→64 + Dense(1) → EmaSmoother");
        Row("Forward_Lstm8x32", "Forward_Lstm8x32", "Forward, LSTM 8→32 + Dense(4), T=50");
        Row("Forward_Gru8x32", "Forward_Gru8x32", "Forward, GRU 8→32 + Dense(4), T=50");
        Row("Forward_Lstm16x128", "Forward_Lstm16x128", "Forward, LSTM 16→128 + Dense(1), T=50");
        Row("Backward_Lstm8x32", "Backward_Lstm8x32", "Backward (BPTT), LSTM 8→32, T=50");
        Row("Backward_Gru8x32", "Backward_Gru8x32", "Backward (BPTT), GRU 8→32, T=50");
        Row("Backward_Lstm16x128", "Backward_Lstm16x128", "Backward (BPTT), LSTM 16→128, T=50");
        Row("TrainStep_Lstm8x32", "TrainStep_Lstm8x32", "training step: Forward → SoftmaxCrossEntropy → BackwardFromLogits → Adam, LSTM 8→32, T=50");
        Row("TrainStep_Gru8x32", "TrainStep_Gru8x32", "training step, GRU 8→32, T=50");
        md.AppendLine();
        md.AppendLine("The streaming row runs the real runtime: `ZScoreNormalizer` → `StreamRunner` (finiteness check, Step, latency meter,");
        md.AppendLine("counters) → `EmaSmoother`.");
        md.AppendLine();

        md.AppendLine("## Training step against PyTorch");
        md.AppendLine();
        if (pytorch is null)
        {
            md.AppendLine("PyTorch was not measured in this run (`/usr/bin/python3` with `torch` not found).");
        }
        else
        {
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
        }
        md.AppendLine();

        md.AppendLine("## Targets");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---|---|");
        var slower = StepGroups.Where(g => Ns(g + "_Generated") is double ns && ns > RtNeural[g]).ToList();
        md.AppendLine($"| Step at or below RTNeural at every size | {(slower.Count == 0 ? "faster at all 12 sizes" : "slower at " + string.Join(", ", slower.Select(Label)))} | {Mark(slower.Count == 0)} |");
        var fiveX = StepGroups.Where(g => !g.EndsWith("x8") && !g.EndsWith("x16") && Ns(g + "_Scalar") is double s && Ns(g + "_Generated") is double n)
            .Select(g => (g, ratio: Ns(g + "_Scalar")!.Value / Ns(g + "_Generated")!.Value)).ToList();
        md.AppendLine($"| ≥ 5× the scalar baseline from H=32 up | lowest {fiveX.Min(x => x.ratio):0.0}× ({Label(fiveX.MinBy(x => x.ratio).g)}) | {Mark(fiveX.All(x => x.ratio >= 5))} |");
        foreach (string g in new[] { "Lstm_16x128", "Gru_16x128" })
        {
            if (Ns(g + "_Generated") is not double ns) continue;
            double gflops = Gflops(g, ns);
            string stream = "Stream_" + g.Replace("_", "");
            string bound = BoundNs(stream) is double streamNs
                ? $"; the L2 streaming bound is {PercentOfPeak(Gflops(stream, streamNs))}, so this Step reaches {100 * streamNs / ns:0}% of what the memory allows"
                : "";
            string rtNeural = $"; RTNeural's {RtNeural[g]} ns is {PercentOfPeak(Gflops(g, RtNeural[g]))} of this peak";
            md.AppendLine($"| ≥ 40% of FMA peak at 16→128 ({Label(g)}) | {gflops:0.0} GFLOP/s = {PercentOfPeak(gflops)}{bound}{rtNeural} | {Mark(gflops / peak >= 0.4)} |");
        }
        if (pytorch is not null && Ns("TrainStep_Lstm8x32") is double train)
            md.AppendLine($"| training step LSTM 8→32, T=50 ≥ 20× PyTorch | {pytorch.LstmTrainStepNs / train:0.0}× | {Mark(pytorch.LstmTrainStepNs / train >= 20)} |");
        // Hot paths are the RnnGen cases: not the baselines, and not the machine-bound references (FMA peak, L2 streaming),
        // which run no RnnGen code. A hot path without a MemoryDiagnoser figure counts as missed, not as 0 B.
        var hotPaths = results.Where(r => r.Key != nameof(FmaPeak.Peak) && !r.Key.StartsWith("Stream_")
                                          && !r.Key.EndsWith("_Scalar") && !r.Key.EndsWith("_TensorPrimitives")).ToList();
        var allocating = hotPaths.Where(r => r.Value.AllocatedBytes is not 0)
            .Select(r => r.Value.AllocatedBytes is long bytes ? $"{r.Key} ({bytes} B)" : $"{r.Key} (not measured)").ToList();
        md.AppendLine($"| 0 bytes allocated on every hot path | {(allocating.Count == 0 ? $"0 B in all {hotPaths.Count} RnnGen benchmarks" : string.Join(", ", allocating))} | {Mark(allocating.Count == 0)} |");
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
        md.AppendLine("| accuracy unchanged | the 67 PyTorch conformance cases pass `1e-5 + 1e-4·\\|want\\|` (`dotnet test`) | see CI |");
        md.AppendLine("| low-precision accuracy | the 8 `rnngen-quant-case/1` cases pass int8 within 1.5× PyTorch's `quantize_dynamic` error and bf16 within 1.5× the bf16-rounded module's (`dotnet test`) | see CI |");
        md.AppendLine();
        md.Append(Analysis.Text);
        return md.ToString();
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

    private static void AppendPrecision(StringBuilder md, Func<string, double?> ns, IReadOnlyDictionary<string, long?> allocated)
    {
        if (!StepGroups.Any(g => ns(g + "_Int8") is not null)) return;
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
            if (ns(group + "_Generated") is not double f32 || ns(group + "_Int8") is not double q || ns(group + "_BFloat16") is not double b) continue;
            var (int8Bytes, int8Ratio) = WeightBytes(int8);
            var (bf16Bytes, bf16Ratio) = WeightBytes(bf16);
            long? bytes = allocated.GetValueOrDefault(group + "_Int8") is long a1 && allocated.GetValueOrDefault(group + "_BFloat16") is long a2 ? a1 + a2 : null;
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
            if (ns($"Int8Products_{size}_Float32") is double f && ns($"Int8Products_{size}_IntegerDot") is double i && ns($"Int8Products_{size}_DequantizeFma") is double d)
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

    private static string LoadAverage()
    {
        const string loadavg = "/proc/loadavg";
        return File.Exists(loadavg) ? string.Join(" / ", File.ReadAllText(loadavg).Split(' ').Take(3)) : "unknown";
    }

    private static string VectorIsa() =>
        Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : Vector128.IsHardwareAccelerated ? "128-bit SIMD" : "no SIMD";

    private static string CpuName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name")) : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
