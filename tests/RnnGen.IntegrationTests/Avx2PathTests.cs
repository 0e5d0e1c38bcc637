using RnnGen.Tests.Shared;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The 8-wide row-block cells (AVX2 + FMA) only run on machines without AVX-512, so on this one they would never be
/// exercised. This runs <c>rnngen verify</c> in a child process with AVX-512 switched off (<c>DOTNET_EnableAVX512=0</c>)
/// over the PyTorch cases whose hidden sizes are multiples of 8 (8, 32 and 64, one and two layers, bidirectional, heads)
/// and the low-precision cases in int8 and bf16 (their 8-row kernels), and asks <c>rnngen bench</c> in the same environment which path the cells dispatch to, so a switch the runtime
/// ignores fails the test instead of silently re-testing the 16-wide path.
/// </summary>
public sealed class Avx2PathTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [HardwareFact(Isa.Avx2Fma)]
    public void RowBlocksOf8MatchPyTorchWithAvx512SwitchedOff()
    {
        string cli = Repository.Path("src", "RnnGen.Cli", "bin", Repository.Configuration, "net10.0", "RnnGen.Cli.dll");
        // .NET 10 reads DOTNET_EnableAVX512 (one switch for F/BW/CD/DQ/VL); .NET 8 and 9 read DOTNET_EnableAVX512F.
        var noAvx512 = ConformanceCases.ToolEnvironment(("DOTNET_EnableAVX512", "0"), ("DOTNET_EnableAVX512F", "0"));
        string[] cases = ConformanceCases.Directories(ConformanceCases.RowBlock);

        var verify = ProcessRunner.Run("dotnet", [cli, "verify", .. cases], Repository.Root, Timeout, noAvx512).AssertSuccess("rnngen verify without AVX-512");
        Assert.EndsWith($"{cases.Length} passed, 0 failed", verify.Output.TrimEnd());
        ConformanceCases.VerifyQuantCases(cli, noAvx512, "without AVX-512");

        var bench = ProcessRunner.Run("dotnet", [cli, "bench", Path.Combine(cases[^3], "model.safetensors"), "-n", "20", "--warmup", "5", "--warmup-ms", "0"], Repository.Root, Timeout, noAvx512)
            .AssertSuccess("rnngen bench without AVX-512");
        Assert.Contains("Kernels: AVX2 + FMA", bench.Output);
    }
}
