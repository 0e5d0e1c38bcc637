using System.ComponentModel;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Which kernels generated cells run. By default a cell takes the widest vector tier the machine has (AVX-512, AVX2 + FMA,
/// Vector128). The environment variable <c>RNNGEN_KERNELS</c> (or the <c>RnnGen.Kernels</c> runtime configuration
/// property) caps the tier: <c>auto</c> (the default), <c>avx512</c>, <c>avx2</c>, <c>vector128</c> or <c>portable</c>.
/// <c>portable</c> runs the readable, commented body of each <c>Cell…</c> method on every machine, so a debugger's
/// breakpoints there hit; the others compare the tiers on one machine. Results agree to float rounding in every tier.
/// The setting is read once, when a model first runs; an unknown value fails that first use with a message that lists the valid ones.
/// </summary>
public static class KernelSelection
{
    /// <summary>The environment variable that caps the tier.</summary>
    public const string EnvironmentVariable = "RNNGEN_KERNELS";

    /// <summary>The runtime configuration property (<see cref="AppContext.GetData"/>) that caps the tier; it wins over the environment.</summary>
    public const string ConfigurationProperty = "RnnGen.Kernels";

    /// <summary>The widest tier generated cells may take (the cap; the machine may not have it).</summary>
    public static readonly KernelTier Limit = ReadLimit();

    /// <summary>Whether generated cells take their AVX-512 variants: allowed by <see cref="Limit"/> and the machine has AVX-512F, AVX2 and FMA.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static readonly bool Avx512 = Limit >= KernelTier.Avx512 && Avx512F.IsSupported && System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether generated cells may take their AVX2 variants: allowed by <see cref="Limit"/> and the machine has AVX2 and FMA.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static readonly bool Avx2 = Limit >= KernelTier.Avx2 && System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether generated cells may take their Vector128 variants: allowed by <see cref="Limit"/> and the machine accelerates Vector128.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static readonly bool Vector128 = Limit >= KernelTier.Vector128 && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated;

    /// <summary>The tier generated cells take on this machine under <see cref="Limit"/>.</summary>
    public static KernelTier Active => Avx512 ? KernelTier.Avx512 : Avx2 ? KernelTier.Avx2 : Vector128 ? KernelTier.Vector128 : KernelTier.Portable;

    /// <summary>The active tier as <c>rnngen bench</c> reports it, e.g. <c>Vector128 (AdvSimd)</c>.</summary>
    public static string Describe() => Active switch
    {
        KernelTier.Avx512 => "AVX-512",
        KernelTier.Avx2 => "AVX2 + FMA",
        KernelTier.Vector128 => AdvSimd.IsSupported ? "Vector128 (AdvSimd)" : "Vector128 (SSE)",
        _ => "portable (TensorPrimitives)",
    };

    private static KernelTier ReadLimit()
    {
        string? value = AppContext.GetData(ConfigurationProperty) as string ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Parse(value);
    }

    /// <summary>The tier a setting names; null, empty and <c>auto</c> allow every tier.</summary>
    /// <exception cref="ArgumentException">The value is not one of the names above.</exception>
    public static KernelTier Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" or "avx512" => KernelTier.Avx512,
        "avx2" => KernelTier.Avx2,
        "vector128" => KernelTier.Vector128,
        "portable" => KernelTier.Portable,
        _ => throw new ArgumentException(
            $"{EnvironmentVariable} (or {ConfigurationProperty}) is '{value}'; use one of auto, avx512, avx2, vector128, portable."),
    };
}
