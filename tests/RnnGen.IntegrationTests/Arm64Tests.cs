using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The rnngen tool published for linux-arm64 (self-contained, net10.0) and run there: natively on an ARM64 machine,
/// else under qemu-aarch64 user-mode emulation, which these tests install when it is missing. Correctness only:
/// emulated timings mean nothing. The runs are started by <see cref="LinuxArm64Tool"/> as soon as the tool is published;
/// each test waits for its own and checks it.
/// </summary>
[Collection(LinuxArm64Tool.Collection)]
public sealed class Arm64Tests(LinuxArm64Tool tool) : IClassFixture<LinuxArm64Tool>
{
    [LinuxFact]
    public void RowBlockAndOffGridCasesMatchPyTorchOnLinuxArm64()
    {
        // Every row-block case and off-grid sample case, each in exactly one of the verify processes, and each process all PASS.
        string[] cases = ConformanceCases.Directories([.. ConformanceCases.RowBlock, .. ConformanceCases.OffGridSample]);
        Assert.Equal(cases.Order(StringComparer.Ordinal), tool.Verify.SelectMany(run => run.Inputs).Order(StringComparer.Ordinal));
        foreach (var run in tool.Verify)
        {
            var verify = run.Result.AssertSuccess($"rnngen verify on linux-arm64 ({tool.How})");
            Assert.EndsWith($"{run.Inputs.Length} passed, 0 failed", verify.Output.TrimEnd());
        }
    }

    [LinuxFact]
    public void Int8CasesPassOnLinuxArm64()
    {
        // The int8 kernels' AdvSimd code (rounding conversions, widening multiplies and pairwise adds) runs only here; the
        // bf16 kernels are plain Vector128 code, which SsePathTests checks on x86. An LSTM and a two-layer GRU on the
        // int8 kernels, in one emulated process.
        var verify = tool.Int8.Result.AssertSuccess($"rnngen verify --precision int8 on linux-arm64 ({tool.How})");
        Assert.EndsWith($"{tool.Int8.Inputs.Length} passed, 0 failed", verify.Output.TrimEnd());
    }

    [LinuxFact]
    public void BenchOnLinuxArm64NamesTheAdvSimdPathForEveryLayer()
    {
        var bench = tool.Bench.Result.AssertSuccess($"rnngen bench on linux-arm64 ({tool.How})");
        VectorPathNames.AssertEveryLayer(bench.Output, VectorPathNames.AdvSimd, ConformanceCases.TwoLayerModelLayers, $"on linux-arm64 ({tool.How})");
    }
}

/// <summary>
/// Publishes <c>src/RnnGen.Cli</c> once for linux-arm64, self-contained, into a temporary folder (its own artifacts path,
/// so the repository's obj/ and bin/ are untouched), and runs it with qemu-aarch64 unless this machine is ARM64. The
/// emulator runs one thread of work at a time, so every run the tests check starts as soon as the tool is published, each
/// in its own process beside the others and beside the other test classes: the row-block and off-grid cases in two
/// verify processes, the int8 cases, and the bench.
/// </summary>
public sealed class LinuxArm64Tool : IDisposable
{
    /// <summary>The test collection of <see cref="Arm64Tests"/>, which <see cref="LongestFirst"/> starts first.</summary>
    public const string Collection = "linux-arm64";

    /// <summary>What an x64 Debian machine needs to run a linux-arm64 .NET program.</summary>
    public static readonly string[] InstallCommands =
    [
        "dpkg --add-architecture arm64",
        "apt-get update",
        "apt-get install -y --no-install-recommends qemu-user libc6:arm64 libstdc++6:arm64 libssl3:arm64",
    ];

    // Without W^X off the runtime crashes at random under qemu (segfaults, NullReferenceExceptions inside Roslyn). Tiered
    // compilation off: methods are compiled once, optimised, instead of being compiled again in the background once hot,
    // which under emulation cost a third of each run's CPU time. The generated cells are compiled optimised either way
    // (AggressiveOptimization), and with them the kernel helpers they inline.
    private static readonly Dictionary<string, string> QemuEnvironment = new()
    {
        ["QEMU_LD_PREFIX"] = "/", ["DOTNET_EnableWriteXorExecute"] = "0", ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        ["DOTNET_TieredCompilation"] = "0",
    };

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8), RunTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _root = new("rnngen-arm64");
    private readonly bool _emulated = RuntimeInformation.ProcessArchitecture != Architecture.Arm64;
    private readonly string _executable = "";

    public LinuxArm64Tool()
    {
        if (!OperatingSystem.IsLinux()) return; // the tests are Skipped there (LinuxFact)
        if (_emulated) Emulator.Ensure();
        // RnnGen targets net8.0 and net10.0, and there is no net8.0 linux-arm64 runtime pack: restore and build the
        // graph for net10.0 only. The hook is imported after RnnGen.csproj's own TargetFrameworks, so it wins.
        string net10Only = _root.Combine("net10.0-only.targets");
        File.WriteAllText(net10Only, "<Project><PropertyGroup><TargetFrameworks>net10.0</TargetFrameworks></PropertyGroup></Project>");
        // Ready-to-run code for the tool and Roslyn, which every verify and bench process runs to compile its models: under
        // emulation JIT-compiling Roslyn took about half of each run. RnnGen.dll, whose kernels are under test, stays IL
        // and is compiled by the JIT on arm64, as in a user's process.
        string jitRuntime = _root.Combine("jit-runtime.targets");
        File.WriteAllText(jitRuntime, "<Project><ItemGroup><PublishReadyToRunExclude Include=\"RnnGen.dll\" /></ItemGroup></Project>");
        string output = _root.Combine("publish");
        ProcessRunner.Dotnet(Repository.Root, PublishTimeout, "publish", Repository.Path("src", "RnnGen.Cli", "RnnGen.Cli.csproj"),
                "-c", Repository.Configuration, "-r", "linux-arm64", "--self-contained", "-nologo", "-p:PublishReadyToRun=true",
                $"-p:CustomBeforeMicrosoftCommonCrossTargetingTargets={net10Only}", $"-p:CustomAfterMicrosoftCommonTargets={jitRuntime}",
                "--artifacts-path", _root.Combine("artifacts"), "-o", output)
            .AssertSuccess("dotnet publish -r linux-arm64 --self-contained of the rnngen tool");
        _executable = Path.Combine(output, "RnnGen.Cli");
        Assert.True(File.Exists(_executable), $"no {_executable} after publishing");
        using (var runtime = new PEReader(File.OpenRead(Path.Combine(output, "RnnGen.dll"))))
            Assert.True(runtime.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size == 0, "the published RnnGen.dll is ready-to-run code, not IL for the JIT");

        string[] cases = ConformanceCases.Directories([.. ConformanceCases.RowBlock, .. ConformanceCases.OffGridSample]);
        int half = (cases.Length + 1) / 2;
        Verify = [Start("verify", cases[..half]), Start("verify", cases[half..])];
        string[] int8 = [Path.Combine(ConformanceCases.QuantDirectory, "lstm_h128_L1_last"), Path.Combine(ConformanceCases.QuantDirectory, "gru_h128_L2_every")];
        Int8 = Start("verify", int8, "--precision", "int8");
        Bench = Start("bench", [ConformanceCases.TwoLayerModel], "-n", "3", "--warmup", "1", "--warmup-ms", "0");
    }

    /// <summary>A run of the tool under way: the case directories (or model) it was given, and its result once it has finished.</summary>
    internal sealed record Run(string[] Inputs, Task<ProcessResult> Process)
    {
        public ProcessResult Result => Process.GetAwaiter().GetResult();
    }

    /// <summary><c>rnngen verify</c> of the row-block and off-grid sample cases, split between two processes.</summary>
    internal Run[] Verify { get; } = [];

    /// <summary><c>rnngen verify --precision int8</c> of an LSTM and a two-layer GRU quant case.</summary>
    internal Run Int8 { get; } = null!;

    /// <summary><c>rnngen bench</c> of <see cref="ConformanceCases.TwoLayerModel"/>.</summary>
    internal Run Bench { get; } = null!;

    /// <summary>How the tool runs here, for failure messages.</summary>
    public string How => _emulated ? "under qemu-aarch64" : "natively";

    private Run Start(string command, string[] inputs, params string[] options)
    {
        string[] arguments = [command, .. inputs, .. options];
        // A thread of its own for each run, which only waits for its process.
        return new Run(inputs, Task.Factory.StartNew(() => _emulated
            ? ProcessRunner.Run("qemu-aarch64", [_executable, .. arguments], Repository.Root, RunTimeout, QemuEnvironment)
            : ProcessRunner.Run(_executable, arguments, Repository.Root, RunTimeout), TaskCreationOptions.LongRunning));
    }

    public void Dispose()
    {
        // Every process ends before its folder is deleted; a run's failure is its test's to report.
        foreach (var run in Verify.Append(Int8).Append(Bench).Where(run => run is not null))
            try { run.Process.Wait(); } catch (AggregateException) { }
        _root.Dispose();
    }

    /// <summary>qemu-aarch64 and the arm64 libraries a self-contained .NET program loads (libc, libstdc++, libssl).</summary>
    private static class Emulator
    {
        private static readonly string[] Libraries =
            ["/lib/ld-linux-aarch64.so.1", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libssl.so.3"];

        public static void Ensure()
        {
            if (Missing().Count == 0) return;
            string commands = string.Join("\n", InstallCommands.Select(c => "  sudo " + c));
            if (!IsRoot() || !File.Exists("/usr/bin/apt-get") || !File.Exists("/usr/bin/dpkg"))
                Assert.Fail($"linux-arm64 emulation is missing ({string.Join(", ", Missing())}) and cannot be installed from this process; run:\n{commands}");
            foreach (string command in InstallCommands)
            {
                string[] words = command.Split(' ');
                // Other builds on the machine may hold the dpkg lock: wait for it rather than fail.
                string[] arguments = words[0] == "apt-get" ? ["-o", "DPkg::Lock::Timeout=600", .. words[1..]] : words[1..];
                var result = ProcessRunner.Run(words[0], arguments, "/", TimeSpan.FromMinutes(15),
                    new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });
                if (result.ExitCode != 0)
                    Assert.Fail($"installing linux-arm64 emulation failed at '{command}' (exit {result.ExitCode}); run:\n{commands}\n{Tail(result.Output)}");
            }
            Assert.True(Missing().Count == 0, $"still missing after installing: {string.Join(", ", Missing())}; run:\n{commands}");
        }

        private static List<string> Missing()
        {
            var missing = Libraries.Where(path => !File.Exists(path)).ToList();
            string? path = Environment.GetEnvironmentVariable("PATH");
            if (path is null || !path.Split(':').Any(dir => File.Exists(Path.Combine(dir, "qemu-aarch64"))))
                missing.Insert(0, "qemu-aarch64");
            return missing;
        }

        private static bool IsRoot() => Environment.UserName == "root";

        private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
    }
}

/// <summary>A fact that needs Linux (linux-arm64 publish and qemu-user): Skipped elsewhere, with the reason.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = $"needs Linux to run a linux-arm64 build; this is {RuntimeInformation.OSDescription}";
        else if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
            Skip = $"needs an x64 host (with qemu-aarch64) or an ARM64 one; this is {RuntimeInformation.ProcessArchitecture}";
    }
}
