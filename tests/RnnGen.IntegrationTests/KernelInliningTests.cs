using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using RnnGen.Kernels;

namespace RnnGen.IntegrationTests;

/// <summary>
/// The generated vector cells are fast only if the JIT inlines every small kernel helper they are built from
/// (<see cref="RowBlocks"/>' row blocks, reductions and activations). The JIT gives up on inlining once a method has
/// used its inlining budget, even for <see cref="MethodImplOptions.AggressiveInlining"/>, and then each helper becomes a
/// call that passes 64-byte vectors through memory and spills every live register around it: an LSTM 1→16 Step ran
/// 3× slower on AVX-512 than on AVX2 that way (2026-11-30), and nothing failed. Here the JIT's own listing of each
/// generated cell is read (<c>DOTNET_JitDisasm</c>, optimised code straight away with tiering off: the same inliner as
/// tier 1) and no call may remain to a helper marked for inlining or to one that takes or returns a vector (the
/// out-of-line helpers that prepare a step, such as int8's activation quantization, take references and stay calls).
/// </summary>
public sealed class KernelInliningTests
{
    private static string Cli => Repository.Path("src", "RnnGen.Cli", "bin", Repository.Configuration, "net10.0", "RnnGen.Cli.dll");

    /// <summary>The kernel methods written to be inlined (local functions included, under their compiler names).</summary>
    private static readonly HashSet<string> InlinedHelpers = new[] { typeof(RowBlocks), typeof(ColumnBlocks) }
        .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
        .Where(method => method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining))
        .Select(method => method.Name)
        .ToHashSet(StringComparer.Ordinal);

    [Theory]
    [InlineData("lstm_odd_L3_uni_nobias", null, "auto")] // three stacked layers of partial blocks (H = 13: 13 of 16 rows), on the widest tier
    [InlineData("lstm_proj_small_L2_bi_bias", null, "auto")] // two passes (gates, projection), the first a partial block of 8 (H = 5)
    [InlineData("gru_odd_L3_uni_nobias", null, "avx2")] // the AVX2 cells (blocks of 8) of a machine without AVX-512
    [InlineData("quant/gru_h128_L2_every", "bf16", "auto")]
    [InlineData("quant/lstm_h128_L1_last", "int8", "auto")]
    public void GeneratedCellsCallNoHelperMeantToBeInlined(string model, string? precision, string kernels)
    {
        Assert.Contains("FastTanh", InlinedHelpers); // the reflection above sees the attribute
        string root = Repository.Path("tests", "RnnGen.Generator.Tests", "Cases");
        string weights = model.StartsWith("quant/", StringComparison.Ordinal)
            ? Path.Combine(root, model, "model.safetensors")
            : Path.Combine(ConformanceCases.Directories([model])[0], "model.safetensors");
        string listing = Path.Combine(Path.GetTempPath(), $"rnngen-jit-{Guid.NewGuid():N}.txt");
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["DOTNET_TieredCompilation"] = "0",
                ["DOTNET_JitDisasm"] = "*Cell*Rows* *Cell*Columns*",
                ["DOTNET_JitStdOutFile"] = listing,
                [KernelSelection.EnvironmentVariable] = kernels,
            };
            string[] arguments = precision is null
                ? [Cli, "bench", weights, "-n", "2", "--warmup", "1", "--warmup-ms", "0"]
                : [Cli, "bench", weights, "-n", "2", "--warmup", "1", "--warmup-ms", "0", "--precision", precision];
            ProcessRunner.Run("dotnet", arguments, Repository.Root, TimeSpan.FromMinutes(3), environment).AssertSuccess("rnngen bench with the JIT listing on");

            var methods = Methods(File.ReadAllText(listing));
            Assert.True(methods.Count > 0, $"the JIT listed no generated vector cell for {model}; the cells were not compiled, or were renamed");
            // rnngen bench times a float32 model's inference copy too (one that steps: not bidirectional): its column cells
            // must be among those listed.
            if (precision is null && kernels == "auto" && KernelSelection.Avx512 && !model.Contains("_bi_", StringComparison.Ordinal))
                Assert.Contains(methods, method => method.Name.Contains("Columns", StringComparison.Ordinal));
            var failures = methods
                .SelectMany(method => Regex.Matches(method.Code, @"call\s+\[RnnGen\.Kernels\.(?:RowBlocks|ColumnBlocks):([^\(\]]+)([^\]]*)\]")
                    .Where(call => InlinedHelpers.Contains(call.Groups[1].Value) || call.Groups[2].Value.Contains("Vector", StringComparison.Ordinal))
                    .Select(call => call.Groups[1].Value)
                    .Distinct()
                    .Select(helper => $"{method.Name} calls {helper}"))
                .ToList();
            Assert.True(failures.Count == 0, $"helpers meant to be inlined are called ({model}):\n{string.Join('\n', failures)}");
        }
        finally
        {
            File.Delete(listing);
        }
    }

    private static List<(string Name, string Code)> Methods(string listing) =>
        listing.Split("; Assembly listing for method ", StringSplitOptions.RemoveEmptyEntries)
            .Where(block => block.Contains("(FullOpts)", StringComparison.Ordinal) || block.Contains("(Tier1)", StringComparison.Ordinal))
            .Select(block => (Name: block[..block.IndexOf('(')], Code: block))
            .ToList();
}
