using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using RnnGen.Benchmarks;

// Usage: RnnGen.Benchmarks [--quick] [--artifacts <dir>] [--only <name part>] [--report <PERFORMANCE.md>] [--pytorch <pytorch.json>]
// benchmarks/run.sh passes --report docs/PERFORMANCE.md and the PyTorch timings it measured just before.
bool quick = args.Contains("--quick");
string? Option(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string? only = Option("--only"), artifacts = Option("--artifacts"), reportPath = Option("--report"), pytorchPath = Option("--pytorch");

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

Type[] suites = [typeof(FmaPeak), typeof(StreamBound), typeof(StepLatency), typeof(PrecisionLatency), typeof(Int8Products), typeof(Sequences), typeof(Streaming)];
TierUp.All(suites);
var summaries = BenchmarkRunner.Run(suites, config);
if (reportPath is not null)
{
    string command = "benchmarks/run.sh" + (quick ? " --quick" : "");
    File.WriteAllText(reportPath, Report.Markdown(summaries, command, quick, pytorchPath is null ? null : PyTorchTimings.Read(pytorchPath)));
    Console.WriteLine($"Wrote {reportPath}");
}
