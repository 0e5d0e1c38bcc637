using System.Runtime.InteropServices;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The 128-bit cells on x86 (SSE only) never run on a machine with AVX2 by themselves. This runs <c>rnngen verify</c>
/// in a child process with AVX2 and AVX-512 switched off over the row-block and off-grid PyTorch cases and the
/// low-precision cases in int8 and bf16 (their 4-row Vector128 kernels), and asks
/// <c>rnngen bench</c> in the same environment which path each layer takes, so a switch the runtime ignores, or a layer
/// left on the fallback, fails the test instead of silently re-testing another path.
/// </summary>
public sealed class SsePathTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    // .NET 10 reads DOTNET_EnableAVX2 (which also turns off everything that needs it) and DOTNET_EnableAVX512;
    // .NET 8 and 9 read DOTNET_EnableAVX512F.
    private static readonly Dictionary<string, string> NoAvx2 = ConformanceCases.ToolEnvironment(("DOTNET_EnableAVX2", "0"), ("DOTNET_EnableAVX512", "0"), ("DOTNET_EnableAVX512F", "0"));

    private static string Cli => Repository.Path("src", "RnnGen.Cli", "bin", Repository.Configuration, "net10.0", "RnnGen.Cli.dll");

    [X64Fact]
    public void RowBlockAndOffGridCasesMatchPyTorchWithAvx2SwitchedOff()
    {
        string[] cases = ConformanceCases.Directories([.. ConformanceCases.RowBlock, .. ConformanceCases.OffGrid]);
        var verify = ProcessRunner.Run("dotnet", [Cli, "verify", .. cases], Repository.Root, Timeout, NoAvx2).AssertSuccess("rnngen verify without AVX2");
        Assert.EndsWith($"{cases.Length} passed, 0 failed", verify.Output.TrimEnd());
    }

    [X64Fact]
    public void LowPrecisionCasesPassWithAvx2SwitchedOff() =>
        ConformanceCases.VerifyQuantCases(Cli, NoAvx2, "without AVX2");

    [X64Fact]
    public void BenchNamesTheSsePathForEveryLayerWithAvx2SwitchedOff()
    {
        var bench = ProcessRunner.Run("dotnet", [Cli, "bench", ConformanceCases.TwoLayerModel, "-n", "3", "--warmup", "1", "--warmup-ms", "0"], Repository.Root, Timeout, NoAvx2)
            .AssertSuccess("rnngen bench without AVX2");
        VectorPathNames.AssertEveryLayer(bench.Output, VectorPathNames.Sse, ConformanceCases.TwoLayerModelLayers, "with AVX2 off");
    }
}

/// <summary>A fact that needs an x64 process (the DOTNET_Enable* switches it uses are x86 ones): Skipped elsewhere, with the reason.</summary>
public sealed class X64FactAttribute : FactAttribute
{
    public X64FactAttribute()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Skip = $"needs an x64 process to switch x86 instruction sets off; this one is {RuntimeInformation.ProcessArchitecture}";
    }
}
