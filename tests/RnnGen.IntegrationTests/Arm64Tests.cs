using System.Runtime.InteropServices;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The rnngen tool published for linux-arm64 (self-contained, net10.0) and run there: natively on an ARM64 machine,
/// else under qemu-aarch64 user-mode emulation, which these tests install when it is missing. Correctness only:
/// emulated timings mean nothing.
/// </summary>
public sealed class Arm64Tests(LinuxArm64Tool tool) : IClassFixture<LinuxArm64Tool>
{
    [LinuxFact]
    public void RowBlockAndOffGridCasesMatchPyTorchOnLinuxArm64()
    {
        string[] cases = ConformanceCases.Directories([.. ConformanceCases.RowBlock, .. ConformanceCases.OffGridSample]);
        var verify = tool.Run("verify", cases).AssertSuccess($"rnngen verify on linux-arm64 ({tool.How})");
        Assert.EndsWith($"{cases.Length} passed, 0 failed", verify.Output.TrimEnd());
    }

    [LinuxFact]
    public void Int8CasesPassOnLinuxArm64()
    {
        // The int8 kernels' AdvSimd code (rounding conversions, widening multiplies and pairwise adds) runs only here; the
        // bf16 kernels are plain Vector128 code, which SsePathTests checks on x86. An LSTM and a two-layer GRU on the
        // int8 kernels, in one emulated process.
        string[] cases = [Path.Combine(ConformanceCases.QuantDirectory, "lstm_h128_L1_last"), Path.Combine(ConformanceCases.QuantDirectory, "gru_h128_L2_every")];
        var verify = tool.Run("verify", [.. cases, "--precision", "int8"]).AssertSuccess($"rnngen verify --precision int8 on linux-arm64 ({tool.How})");
        Assert.EndsWith($"{cases.Length} passed, 0 failed", verify.Output.TrimEnd());
    }

    [LinuxFact]
    public void BenchOnLinuxArm64NamesTheAdvSimdPathForEveryLayer()
    {
        var bench = tool.Bench.AssertSuccess($"rnngen bench on linux-arm64 ({tool.How})");
        VectorPathNames.AssertEveryLayer(bench.Output, VectorPathNames.AdvSimd, ConformanceCases.TwoLayerModelLayers, $"on linux-arm64 ({tool.How})");
    }
}

/// <summary>
/// Publishes <c>src/RnnGen.Cli</c> once for linux-arm64, self-contained, into a temporary folder (its own artifacts path,
/// so the repository's obj/ and bin/ are untouched), and runs it with qemu-aarch64 unless this machine is ARM64. The
/// bench run starts as soon as the tool is published and runs beside the verify test (the emulator is single-threaded).
/// </summary>
public sealed class LinuxArm64Tool : IDisposable
{
    /// <summary>What an x64 Debian machine needs to run a linux-arm64 .NET program.</summary>
    public static readonly string[] InstallCommands =
    [
        "dpkg --add-architecture arm64",
        "apt-get update",
        "apt-get install -y --no-install-recommends qemu-user libc6:arm64 libstdc++6:arm64 libssl3:arm64",
    ];

    // Without W^X off the runtime crashes at random under qemu (segfaults, NullReferenceExceptions inside Roslyn).
    private static readonly Dictionary<string, string> QemuEnvironment = new()
    {
        ["QEMU_LD_PREFIX"] = "/", ["DOTNET_EnableWriteXorExecute"] = "0", ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
    };

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8), RunTimeout = TimeSpan.FromMinutes(10);
    private readonly TempDirectory _root = new("rnngen-arm64");
    private readonly bool _emulated = RuntimeInformation.ProcessArchitecture != Architecture.Arm64;
    private readonly string _executable = "";
    private readonly Task<ProcessResult>? _bench;

    public LinuxArm64Tool()
    {
        if (!OperatingSystem.IsLinux()) return; // the tests are Skipped there (LinuxFact)
        if (_emulated) Emulator.Ensure();
        // RnnGen targets net8.0 and net10.0, and there is no net8.0 linux-arm64 runtime pack: restore and build the
        // graph for net10.0 only. The hook is imported after RnnGen.csproj's own TargetFrameworks, so it wins.
        string net10Only = _root.Combine("net10.0-only.targets");
        File.WriteAllText(net10Only, "<Project><PropertyGroup><TargetFrameworks>net10.0</TargetFrameworks></PropertyGroup></Project>");
        string output = _root.Combine("publish");
        ProcessRunner.Dotnet(Repository.Root, PublishTimeout, "publish", Repository.Path("src", "RnnGen.Cli", "RnnGen.Cli.csproj"),
                "-c", Repository.Configuration, "-r", "linux-arm64", "--self-contained", "-nologo",
                $"-p:CustomBeforeMicrosoftCommonCrossTargetingTargets={net10Only}", "--artifacts-path", _root.Combine("artifacts"), "-o", output)
            .AssertSuccess("dotnet publish -r linux-arm64 --self-contained of the rnngen tool");
        _executable = Path.Combine(output, "RnnGen.Cli");
        Assert.True(File.Exists(_executable), $"no {_executable} after publishing");
        _bench = Task.Run(() => Run("bench", [ConformanceCases.TwoLayerModel, "-n", "3", "--warmup", "1"]));
    }

    /// <summary>The result of <c>rnngen bench</c> on <see cref="ConformanceCases.TwoLayerModel"/>.</summary>
    internal ProcessResult Bench => _bench!.GetAwaiter().GetResult();

    /// <summary>How the tool runs here, for failure messages.</summary>
    public string How => _emulated ? "under qemu-aarch64" : "natively";

    internal ProcessResult Run(string command, IEnumerable<string> arguments) => _emulated
        ? ProcessRunner.Run("qemu-aarch64", [_executable, command, .. arguments], Repository.Root, RunTimeout, QemuEnvironment)
        : ProcessRunner.Run(_executable, [command, .. arguments], Repository.Root, RunTimeout);

    public void Dispose()
    {
        try { _bench?.Wait(); } catch (AggregateException) { } // its failure is the bench test's to report
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
