using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Cli.Commands;

/// <summary>
/// One core's fused multiply-add peak, measured: 16 independent accumulators (enough to cover FMA latency × pipes),
/// the widest vector the machine has (AVX-512, else AVX2 + FMA), no memory traffic; as the benchmark suite's FmaPeak.
/// </summary>
internal static class FmaPeak
{
    private const int Rounds = 1 << 16;

    // Where each run's result goes, so the JIT cannot drop the loop.
    private static float s_sink;

    public static int Lanes => Avx512F.IsSupported ? 16 : Fma.IsSupported ? 8 : 1;

    /// <summary>GFLOP/s of the best of several short runs (2 FLOPs per FMA per lane); NaN without FMA.</summary>
    public static double GigaflopsPerCore()
    {
        if (!Fma.IsSupported) return double.NaN;
        double best = 0;
        for (int run = 0; run < 20; run++)
        {
            long start = Stopwatch.GetTimestamp();
            s_sink += Avx512F.IsSupported ? Run512() : Run256();
            double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            best = Math.Max(best, 2.0 * Lanes * 16 * Rounds / seconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run512()
    {
        // a ← a·m + b with m < 1 converges to b/(1 − m): no overflow, no denormals.
        Vector512<float> m = Vector512.Create(0.999f), b = Vector512.Create(1e-3f);
        Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b, a12 = b, a13 = b, a14 = b, a15 = b;
        for (int i = 0; i < Rounds; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, b); a1 = Avx512F.FusedMultiplyAdd(a1, m, b); a2 = Avx512F.FusedMultiplyAdd(a2, m, b); a3 = Avx512F.FusedMultiplyAdd(a3, m, b);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, b); a5 = Avx512F.FusedMultiplyAdd(a5, m, b); a6 = Avx512F.FusedMultiplyAdd(a6, m, b); a7 = Avx512F.FusedMultiplyAdd(a7, m, b);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, b); a9 = Avx512F.FusedMultiplyAdd(a9, m, b); a10 = Avx512F.FusedMultiplyAdd(a10, m, b); a11 = Avx512F.FusedMultiplyAdd(a11, m, b);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, b); a13 = Avx512F.FusedMultiplyAdd(a13, m, b); a14 = Avx512F.FusedMultiplyAdd(a14, m, b); a15 = Avx512F.FusedMultiplyAdd(a15, m, b);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15)));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run256()
    {
        Vector256<float> m = Vector256.Create(0.999f), b = Vector256.Create(1e-3f);
        Vector256<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b, a12 = b, a13 = b, a14 = b, a15 = b;
        for (int i = 0; i < Rounds; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, b); a1 = Fma.MultiplyAdd(a1, m, b); a2 = Fma.MultiplyAdd(a2, m, b); a3 = Fma.MultiplyAdd(a3, m, b);
            a4 = Fma.MultiplyAdd(a4, m, b); a5 = Fma.MultiplyAdd(a5, m, b); a6 = Fma.MultiplyAdd(a6, m, b); a7 = Fma.MultiplyAdd(a7, m, b);
            a8 = Fma.MultiplyAdd(a8, m, b); a9 = Fma.MultiplyAdd(a9, m, b); a10 = Fma.MultiplyAdd(a10, m, b); a11 = Fma.MultiplyAdd(a11, m, b);
            a12 = Fma.MultiplyAdd(a12, m, b); a13 = Fma.MultiplyAdd(a13, m, b); a14 = Fma.MultiplyAdd(a14, m, b); a15 = Fma.MultiplyAdd(a15, m, b);
        }
        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15)));
    }
}
