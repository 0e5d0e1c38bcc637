using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;

namespace RnnGen.Benchmarks;

/// <summary>
/// The "Batched" section of docs/PERFORMANCE.md: per-entity cost of <see cref="BatchStep"/> against each model's batch-1
/// Step of the same run, GFLOP/s and % of the FMA peak (× threads), the 2-thread speed-up, the same-run peers
/// (<see cref="BatchPeers"/>, PyTorch's timings from batch_peers.py) and the mini-batch training step, with the issue's
/// targets marked met or missed from these numbers alone.
/// </summary>
public static class BatchReport
{
    /// <summary>The suites this section reports; the main report leaves them out.</summary>
    public static readonly Type[] Suites = [typeof(BatchStep), typeof(BatchTraining), typeof(BatchPeers)];

    private static readonly Dictionary<string, (int Gates, int Inputs, int Hidden, string Label, string Single)> Models = new()
    {
        ["Lstm16x128"] = (4, 16, 128, "LSTM 16→128", "Lstm_16x128_Generated"),
        ["Gru16x128"] = (3, 16, 128, "GRU 16→128", "Gru_16x128_Generated"),
        ["Lstm8x64"] = (4, 8, 64, "LSTM 8→64", "Lstm_8x64_Generated"),
    };

    public static string Markdown(Summary[] summaries, double peak, string? peersDirectory)
    {
        var step = new Dictionary<(string Model, int Batch, int Threads), (double Ns, long? Bytes)>();
        var other = new Dictionary<string, (double Ns, long? Bytes)>();
        foreach (var report in summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null))
        {
            var c = report.BenchmarkCase;
            var value = (report.ResultStatistics!.Median, report.GcStats.GetBytesAllocatedPerOperation(c));
            string method = c.Descriptor.WorkloadMethod.Name;
            if (c.Descriptor.Type == typeof(BatchStep))
                step[((string)c.Parameters["Model"], (int)c.Parameters["Batch"], (int)c.Parameters["Threads"])] = value;
            else if (c.Descriptor.Type == typeof(BatchPeers))
                other[$"{method}_T{c.Parameters["Threads"]}"] = value;
            else
                other[method] = value;
        }
        var md = new StringBuilder();
        if (step.Count == 0) return "";
        string P(double gflops, int threads) => double.IsNaN(peak) ? "–" : $"{100 * gflops / (peak * threads):0.#}%";
        md.AppendLine("## Batched: many entities through one weight set");
        md.AppendLine();
        md.AppendLine("`Model.Batch` (docs/batching.md): one `Step` for every entity of the batch, entities in the lanes of 512-bit vectors and the");
        md.AppendLine("gate products register-blocked over 64 entities (`BatchStep`). Per-entity ns = median of one batched Step ÷ batch. GFLOP/s count");
        md.AppendLine("the same multiply-adds as the Step table; \"% of peak\" divides by the measured FMA peak × threads. \"vs batch-1 Step\" is the");
        md.AppendLine("same model's `Step` of the table above divided by the per-entity cost (how many times cheaper an entity is in the batch).");
        md.AppendLine();
        md.AppendLine("| model | batch | threads | batch Step | per entity | GFLOP/s | % of peak | vs batch-1 Step | allocated B |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var ((model, batch, threads), (ns, bytes)) in step.OrderBy(k => k.Key.Model).ThenBy(k => k.Key.Threads).ThenBy(k => k.Key.Batch))
        {
            var m = Models[model];
            double perEntity = ns / batch, gflops = 2.0 * (m.Gates * m.Hidden * (m.Inputs + m.Hidden) + m.Hidden) / perEntity;
            string versus = other.TryGetValue(m.Single, out var single) ? $"{single.Ns / perEntity:0.00}×" : "–";
            md.AppendLine($"| {m.Label} | {batch} | {threads} | {Time(ns)} | {perEntity:0.0} ns | {gflops:0.0} | {P(gflops, threads)} | {versus} | {bytes} |");
        }
        md.AppendLine();

        var pytorch = peersDirectory is not null && File.Exists(Path.Combine(peersDirectory, "pytorch.json"))
            ? JsonDocument.Parse(File.ReadAllText(Path.Combine(peersDirectory, "pytorch.json"))).RootElement : (JsonElement?)null;
        md.AppendLine("### Against PyTorch and ONNX Runtime, batch 256, LSTM 16→128 + Linear(1), one step with state");
        md.AppendLine();
        if (pytorch is null)
        {
            md.AppendLine("The peers were not run (`benchmarks/run.sh` runs them when `/usr/bin/python3` has torch).");
        }
        else
        {
            md.AppendLine("Same weights (batch_peers.py, seed 0), same input and state; RnnGen and ONNX Runtime both reproduce PyTorch's outputs and");
            md.AppendLine("states to `1e-5 + 1e-4·|want|` before anything is timed (`BatchPeers`). ONNX Runtime runs the `torch.onnx.export` graph with");
            md.AppendLine("IOBinding and preallocated OrtValues; PyTorch (`torch.set_num_threads(K)`, `no_grad`) was timed by batch_peers.py in the same run.");
            md.AppendLine();
            md.AppendLine("| threads | RnnGen | ONNX Runtime | PyTorch | ONNX Runtime / RnnGen | PyTorch / RnnGen |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|");
            foreach (int threads in new[] { 1, 2 })
            {
                if (!other.TryGetValue($"RnnGen_Lstm16x128_B256_T{threads}", out var ours)) continue;
                double? ort = other.TryGetValue($"OnnxRuntime_Lstm16x128_B256_T{threads}", out var o) ? o.Ns : null;
                double torch = pytorch.Value.GetProperty($"lstm16x128_b256_step_threads{threads}_ns").GetDouble();
                md.AppendLine($"| {threads} | {Time(ours.Ns)} | {(ort is double r ? Time(r) : "–")} | {Time(torch)} | {(ort is double r2 ? $"**{r2 / ours.Ns:0.00}×**" : "–")} | **{torch / ours.Ns:0.00}×** |");
            }
            md.AppendLine();
        }

        md.AppendLine("### Mini-batch training: 32 sequences, T = 50, LSTM 8→32 + Dense(4), cross-entropy, Adam");
        md.AppendLine();
        double? train = other.TryGetValue("TrainBatch32_Lstm8x32", out var t) ? t.Ns : null;
        double? torchTrain = pytorch?.GetProperty("lstm8x32_b32_t50_train_step_ns").GetDouble();
        md.AppendLine($"`BatchTrainer.Train` (one batched Forward and Backward, weight gradients as products over the 32 × 50 steps): {(train is double tr ? Time(tr) : "–")}" +
                      (torchTrain is double pt && train is double tr2 ? $"; PyTorch, one thread, same weights and data (logits checked equal first): {Time(pt)}, **{pt / tr2:0.0}×**." : "."));
        md.AppendLine();

        md.AppendLine("### Batched targets");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---|---|");
        if (step.TryGetValue(("Lstm16x128", 256, 1), out var b256) && other.TryGetValue("Lstm_16x128_Generated", out var one))
        {
            var m = Models["Lstm16x128"];
            double perEntity = b256.Ns / 256, gflops = 2.0 * (m.Gates * m.Hidden * (m.Inputs + m.Hidden) + m.Hidden) / perEntity;
            md.AppendLine($"| LSTM 16→128 batch 256, one thread: per entity ≤ 1/3 of batch-1 Step | {perEntity:0} ns vs {one.Ns:0} ns = 1/{one.Ns / perEntity:0.00} | {Mark(perEntity * 3 <= one.Ns)} |");
            md.AppendLine($"| … and ≥ 50% of the FMA peak | {gflops:0.0} GFLOP/s = {P(gflops, 1)} | {Mark(gflops >= 0.5 * peak)} |");
            if (step.TryGetValue(("Lstm16x128", 256, 2), out var two))
                md.AppendLine($"| 2 threads ≥ 1.6× the 1-thread throughput at batch 256 | {b256.Ns / two.Ns:0.00}× | {Mark(b256.Ns / two.Ns >= 1.6)} |");
        }
        foreach (int threads in new[] { 1, 2 })
        {
            if (!other.TryGetValue($"RnnGen_Lstm16x128_B256_T{threads}", out var ours)) continue;
            if (other.TryGetValue($"OnnxRuntime_Lstm16x128_B256_T{threads}", out var ort))
                md.AppendLine($"| faster than ONNX Runtime, batch 256, {threads} thread(s) | {ort.Ns / ours.Ns:0.00}× | {Mark(ort.Ns > ours.Ns)} |");
            if (pytorch?.GetProperty($"lstm16x128_b256_step_threads{threads}_ns").GetDouble() is double torch)
                md.AppendLine($"| faster than PyTorch, batch 256, {threads} thread(s) | {torch / ours.Ns:0.00}× | {Mark(torch > ours.Ns)} |");
        }
        if (train is double tn && torchTrain is double ptn)
            md.AppendLine($"| mini-batch of 32, T = 50, ≥ 20× PyTorch single-thread | {ptn / tn:0.0}× | {Mark(ptn / tn >= 20)} |");
        var allocating = step.Where(s => s.Value.Bytes is not 0).Select(s => $"{s.Key.Model} b{s.Key.Batch} t{s.Key.Threads}").ToList();
        md.AppendLine($"| 0 B per call, every batch size and thread count | {(allocating.Count == 0 ? $"0 B in all {step.Count} cases" : string.Join(", ", allocating))} | {Mark(allocating.Count == 0)} |");
        md.AppendLine();
        return md.ToString();
    }

    private static string Mark(bool met) => met ? "✅" : "❌";
    private static string Time(double ns) => ns >= 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:0.00} ms") : ns >= 1e3 ? string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:0.0} µs") : string.Create(CultureInfo.InvariantCulture, $"{ns:0.0} ns");
}
