using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary>The RNNGEN_KERNELS setting: its names, its default, and a loud refusal of anything else.</summary>
public class KernelSelectionTests
{
    [Theory]
    [InlineData(null, KernelTier.Avx512)]
    [InlineData("", KernelTier.Avx512)]
    [InlineData("auto", KernelTier.Avx512)]
    [InlineData(" AVX2 ", KernelTier.Avx2)]
    [InlineData("vector128", KernelTier.Vector128)]
    [InlineData("Portable", KernelTier.Portable)]
    public void NamesMapToTheirTier(string? value, KernelTier expected) => Assert.Equal(expected, KernelSelection.Parse(value));

    [Theory]
    [InlineData("1")]
    [InlineData("sse")]
    [InlineData("avx-512")]
    public void AnythingElseIsRefusedWithTheValidNames(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => KernelSelection.Parse(value));
        Assert.Contains($"'{value}'", e.Message);
        Assert.Contains("auto, avx512, avx2, vector128, portable", e.Message);
    }

    [Fact]
    public void TheActiveTierIsTheWidestTheMachineRunsUnderTheCap()
    {
        // This test process runs with no cap set, so the flags are the machine's own.
        Assert.Equal(KernelTier.Avx512, KernelSelection.Limit);
        var expected = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? KernelTier.Avx512
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? KernelTier.Avx2
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? KernelTier.Vector128 : KernelTier.Portable;
        Assert.Equal(expected, KernelSelection.Active);
    }
}
