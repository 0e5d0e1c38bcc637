using RnnGen.Tests.Shared;

namespace RnnGen.IntegrationTests;

/// <summary>
/// <c>RNNGEN_KERNELS</c> caps the kernel tier generated cells take. The AVX2 and SSE tiers are checked against PyTorch
/// with the instruction sets switched off (<see cref="Avx2PathTests"/>, <see cref="SsePathTests"/>), ARM64's under qemu
/// (<c>Arm64Tests</c>); here the portable cells run over cases on and off the vector grid (1, 5, 9, 11, 13, 17, 32, 64
/// hidden units, projection, reset-after GRUs, stacks and bidirectional layers) and the low-precision cases in int8 and
/// bf16 (their portable products), and <c>rnngen bench</c> shows that each cap is honoured, so a cap the runtime ignored
/// fails here instead of re-testing the widest path.
/// </summary>
public sealed class KernelTierTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static string Cli => Repository.Path("src", "RnnGen.Cli", "bin", Repository.Configuration, "net10.0", "RnnGen.Cli.dll");

    [Fact]
    public void PortableCellsMatchPyTorch()
    {
        string[] cases = ConformanceCases.Directories([.. ConformanceCases.OffGrid, "lstm_head_many_to_one", "char_rnn_hello", "gru_medium_L2_bi_bias"]);
        var environment = ConformanceCases.ToolEnvironment(("RNNGEN_KERNELS", "portable"));
        var verify = ProcessRunner.Run("dotnet", [Cli, "verify", .. cases], Repository.Root, Timeout, environment).AssertSuccess("rnngen verify with RNNGEN_KERNELS=portable");
        Assert.EndsWith($"{cases.Length} passed, 0 failed", verify.Output.TrimEnd());
        ConformanceCases.VerifyQuantCases(Cli, environment, "with RNNGEN_KERNELS=portable");
    }

    [HardwareTheory(Isa.Avx2Fma)]
    [InlineData("avx2", "AVX2 + FMA")]
    [InlineData("vector128", "Vector128")]
    [InlineData("portable", "portable")]
    public void TheCapIsHonoured(string tier, string expected)
    {
        var environment = ConformanceCases.ToolEnvironment(("RNNGEN_KERNELS", tier));
        var bench = ProcessRunner.Run("dotnet", [Cli, "bench", ConformanceCases.TwoLayerModel, "-n", "3", "--warmup", "1", "--warmup-ms", "0"], Repository.Root, Timeout, environment)
            .AssertSuccess($"rnngen bench with RNNGEN_KERNELS={tier}");
        Assert.Contains($"Kernels: {expected}", bench.Output);
    }
}
