using System.ComponentModel;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Which kernels generated cells run. By default a cell takes its vectorised variant (AVX-512, AVX2) where the machine
/// has one; with <see cref="Portable"/> set it takes the portable path on every machine: the readable, commented body of
/// each <c>Cell…</c> method, so a debugger's breakpoints there hit. The results agree to float rounding.
/// </summary>
public static class KernelSelection
{
    /// <summary>The environment variable that sets <see cref="Portable"/> when it is <c>1</c> or <c>true</c>.</summary>
    public const string EnvironmentVariable = "RNNGEN_PORTABLE_KERNELS";

    /// <summary>The <see cref="AppContext"/> switch that sets <see cref="Portable"/> (e.g. in runtimeconfig.json).</summary>
    public const string AppContextSwitch = "RnnGen.PortableKernels";

    /// <summary>
    /// Whether generated cells take the portable path. Read once, at first use of any model: set
    /// <c>RNNGEN_PORTABLE_KERNELS=1</c> in the environment, or the <c>RnnGen.PortableKernels</c> switch, before that.
    /// Being a static readonly field, the JIT folds the check into the cell, so the default costs nothing.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Advanced)]
    public static readonly bool Portable = ReadSwitch();

    /// <summary>Whether generated cells take their AVX-512 variants: the machine has AVX-512F and <see cref="Portable"/> is not set.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static readonly bool Avx512 = !Portable && Avx512F.IsSupported;

    /// <summary>Whether generated cells may take their AVX2 variants: the machine has AVX2 and FMA and <see cref="Portable"/> is not set.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static readonly bool Avx2 = !Portable && System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether generated cells may take their Vector128 variants (ARM64 AdvSimd, x86 without AVX2): the machine accelerates Vector128 and <see cref="Portable"/> is not set.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static readonly bool Vector128 = !Portable && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated;

    /// <summary>The widest vector path generated cells take on this machine, as <c>rnngen bench</c> reports it.</summary>
    public static string Describe() =>
        Avx512 ? "AVX-512" : Avx2 ? "AVX2 + FMA" : Vector128 ? (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "Vector128 (AdvSimd)" : "Vector128 (SSE)") : "portable (TensorPrimitives)";

    private static bool ReadSwitch()
    {
        if (AppContext.TryGetSwitch(AppContextSwitch, out bool enabled) && enabled)
            return true;
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return value is not null && (value.Trim() == "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
    }
}
