using RnnGen.Tests.Shared;

namespace RnnGen.IntegrationTests;

/// <summary>
/// Every kernel tier against PyTorch on this one machine: <c>RNNGEN_KERNELS</c> caps the tier generated cells take, so a
/// child <c>rnngen verify</c> per tier runs the AVX2 blocks of 8, the Vector128 blocks of 4 (x86's SSE rendering of the
/// ARM64 path) and the portable cells over cases whose hidden sizes are on and off the vector grid (1, 5, 9, 11, 13, 17,
/// 32, 64), with projection, reset-after GRUs, stacks and bidirectional layers, and the low-precision cases
/// (<c>Cases/quant</c>) in int8 and bf16, whose kernels have a variant per tier too. The AVX-512 tier is what every other
/// test runs in-process. <c>rnngen bench</c> in the same environment must name the tier, so a cap the runtime ignored
/// fails here instead of re-testing the widest path.
/// </summary>
public sealed class KernelTierTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static readonly string[] Cases =
    [
        "extra/gru_L2_head_many_to_one", "extra/gru_long_L1_uni_bias", "extra/gru_odd_L1_bi_bias", "extra/gru_odd_L3_uni_nobias", "extra/gru_tiny_L1_uni_bias",
        "extra/lstm_bi_head_many_to_many", "extra/lstm_odd_L1_bi_bias", "extra/lstm_odd_L3_uni_nobias", "extra/lstm_tiny_L1_uni_bias", "extra/lstm_wide_L1_uni_bias",
        "extra/rnn_relu_odd_L1_bi_bias", "extra/rnn_tanh_odd_L3_uni_nobias", "extra/rnn_tanh_tiny_L1_uni_bias",
        "shared/lstm_proj_small_L1_uni_bias", "shared/lstm_proj_small_L2_bi_bias", "shared/gru_medium_L2_bi_bias", "shared/rnn_relu_medium_L2_uni_bias",
        "shared/lstm_head_many_to_one", "shared/char_rnn_hello",
    ];

    [HardwareFact(Isa.Avx2Fma)]
    public void Avx2BlocksMatchPyTorch() => Check("avx2", "AVX2 + FMA");

    [Fact]
    public void Vector128BlocksMatchPyTorch() => Check("vector128", "Vector128");

    [Fact]
    public void PortableCellsMatchPyTorch() => Check("portable", "portable");

    private static void Check(string tier, string expectedPath)
    {
        string cli = Repository.Path("src", "RnnGen.Cli", "bin", Repository.Configuration, "net10.0", "RnnGen.Cli.dll");
        string root = Repository.Path("tests", "RnnGen.Generator.Tests", "Cases");
        string[] cases = Cases.Select(c => Path.Combine(root, c)).ToArray();
        var environment = new Dictionary<string, string> { ["RNNGEN_KERNELS"] = tier };

        var verify = ProcessRunner.Run("dotnet", [cli, "verify", .. cases], Repository.Root, Timeout, environment).AssertSuccess($"rnngen verify with RNNGEN_KERNELS={tier}");
        Assert.EndsWith($"{cases.Length} passed, 0 failed", verify.Output.TrimEnd());

        string quant = Path.Combine(root, "quant");
        int quantCases = Directory.GetDirectories(quant).Length;
        foreach (string precision in new[] { "int8", "bf16" })
        {
            var low = ProcessRunner.Run("dotnet", [cli, "verify", quant, "--precision", precision], Repository.Root, Timeout, environment)
                .AssertSuccess($"rnngen verify --precision {precision} with RNNGEN_KERNELS={tier}");
            Assert.EndsWith($"{quantCases} passed, 0 failed", low.Output.TrimEnd());
        }

        var bench = ProcessRunner.Run("dotnet", [cli, "bench", Path.Combine(cases[6], "model.safetensors"), "-n", "5", "--warmup", "1"], Repository.Root, Timeout, environment)
            .AssertSuccess($"rnngen bench with RNNGEN_KERNELS={tier}");
        Assert.Contains($"Kernels: {expectedPath}", bench.Output);
    }
}
