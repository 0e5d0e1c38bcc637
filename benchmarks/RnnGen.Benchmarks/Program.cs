using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using RnnGen.Benchmarks;
using RnnGen.Benchmarks.Peers;

// Usage:
//   RnnGen.Benchmarks [--quick] [--artifacts <dir>] [--only <name part>] [--report <PERFORMANCE.md>] [--readme <README.md>]
//                     [--pytorch <pytorch.json>] [--onnx <dir> | --no-onnx <reason>] [--rtneural <times.txt> | --no-rtneural <reason>]
//   RnnGen.Benchmarks peers prepare <dir>            the peers' weights, inputs and this side's outputs (PeerModels)
//   RnnGen.Benchmarks peers check <dir> <backend>... compare a peer's (or `inference`: the inference copy's) outputs
//                                                    with this side's; exit 1 if any differ
//   RnnGen.Benchmarks peers time <dir> <model> [inference]
//                                                    this side of the RTNeural comparison, the model's Step or its
//                                                    inference copy's (PeerTiming)
// benchmarks/run.sh runs the peers first and passes what they measured, or why they were not measured.
if (args is ["peers", "prepare", string prepareDir])
{
    PeerModels.Prepare(prepareDir);
    return 0;
}
if (args is ["peers", "check", string checkDir, .. var backends] && backends.Length > 0)
    return PeerModels.Check(checkDir, backends) ? 0 : 1;
if (args is ["peers", "time", string timeDir, string model, .. var what] && what is [] or [PeerTiming.Inference])
{
    PeerTiming.Time(timeDir, model, inference: what.Length == 1);
    return 0;
}
if (args is ["peers", ..])
{
    Console.Error.WriteLine("usage: RnnGen.Benchmarks peers prepare DIR | peers check DIR BACKEND... | peers time DIR MODEL [inference]");
    return 2;
}

string loadAtStart = Report.LoadAverage();
bool quick = args.Contains("--quick");
string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string? only = Option("--only"), artifacts = Option("--artifacts"), reportPath = Option("--report"), readmePath = Option("--readme"),
    pytorchPath = Option("--pytorch"), onnxDir = Option("--onnx"), rtneuralPath = Option("--rtneural");
BatchPeers.Directory = Option("--batch-peers");

// In-process: no per-benchmark project build (the registry copy here is offline), and every case shares one process,
// so ratios are measured side by side under the same conditions.
var job = (quick
        ? Job.Default.WithWarmupCount(2).WithIterationCount(6).WithIterationTime(TimeInterval.FromMilliseconds(40))
        : Job.Default.WithWarmupCount(6).WithIterationCount(20).WithIterationTime(TimeInterval.FromMilliseconds(150)))
    .WithLaunchCount(1)
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithId(quick ? "quick" : "full");
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
if (artifacts is not null)
    config = config.WithArtifactsPath(artifacts);
if (only is not null)
    config = config.AddFilter(new NameFilter(name => name.Contains(only, StringComparison.OrdinalIgnoreCase)));

var peers = new PeerStatus(Option("--no-onnx"), Option("--no-rtneural"));
List<Type> suites = [typeof(FmaPeak), typeof(StreamBound), typeof(StepLatency), typeof(PrecisionLatency), typeof(Int8Products), typeof(Uniformity), typeof(Sequences), typeof(Streaming), typeof(PeerWorkloads)];
if (onnxDir is not null)
{
    OnnxRuntimePeers.Open(onnxDir);
    if (OnnxRuntimePeers.Checked.Count > 0) suites.Add(typeof(OnnxRuntimePeer));
}
TierUp.All(suites);
// The batched suites (Batch/) warm up in their own setup; the batch peers need batch_peers.py's files.
suites.AddRange(BatchReport.Suites.Where(s => s != typeof(BatchPeers) || BatchPeers.Directory is not null));
var summaries = BenchmarkRunner.Run(suites.ToArray(), config);
if (reportPath is not null)
{
    string command = "benchmarks/run.sh" + (quick ? " --quick" : "");
    var run = new RunFacts(command, quick, loadAtStart, pytorchPath is null ? null : PyTorchTimings.Read(pytorchPath),
        rtneuralPath is null ? null : RtNeuralTimings.Read(rtneuralPath), peers with { OnnxMismatches = OnnxRuntimePeers.Mismatches });
    var report = new Report(summaries, run);
    File.WriteAllText(reportPath, report.Markdown());
    Console.WriteLine($"Wrote {reportPath}");
    if (readmePath is not null)
    {
        File.WriteAllText(readmePath, report.ReplaceReadmeSpeed(File.ReadAllText(readmePath)));
        Console.WriteLine($"Rewrote the Speed section of {readmePath}");
    }
}
return 0;
