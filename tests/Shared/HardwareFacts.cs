using System.Runtime.Intrinsics.X86;

namespace RnnGen.Tests.Shared;

/// <summary>Instruction sets a test can require.</summary>
[Flags]
public enum Isa
{
    /// <summary>AVX2 with FMA: the 8-wide row-block cells.</summary>
    Avx2Fma = 1,
    /// <summary>AVX-512F (with AVX2 and FMA, which every AVX-512 machine has): the 16-wide and paired-rows cells.</summary>
    Avx512 = 2,
}

/// <summary>Whether this machine runs an <see cref="Isa"/>, and the skip reason when it does not.</summary>
public static class Hardware
{
    public static bool Has(Isa required) =>
        (!required.HasFlag(Isa.Avx2Fma) || (Avx2.IsSupported && Fma.IsSupported)) &&
        (!required.HasFlag(Isa.Avx512) || (Avx512F.IsSupported && Avx2.IsSupported && Fma.IsSupported));

    /// <summary>Null when the machine has <paramref name="required"/>, else why a test that needs it is skipped.</summary>
    public static string? SkipReason(Isa required) =>
        Has(required) ? null : $"needs {required} (as seen by this process, DOTNET_Enable* switches included), which this machine does not run";
}

/// <summary>
/// A fact that needs an instruction set: reported Skipped, with the reason, where the machine lacks it, never Passed
/// without having run.
/// </summary>
public sealed class HardwareFactAttribute : FactAttribute
{
    public HardwareFactAttribute(Isa required)
    {
        if (Hardware.SkipReason(required) is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs an instruction set; see <see cref="HardwareFactAttribute"/>.</summary>
public sealed class HardwareTheoryAttribute : TheoryAttribute
{
    public HardwareTheoryAttribute(Isa required)
    {
        if (Hardware.SkipReason(required) is { } reason) Skip = reason;
    }
}
