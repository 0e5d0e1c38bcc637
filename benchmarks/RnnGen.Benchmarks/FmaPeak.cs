using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// The core's fused multiply-add peak: 16 independent accumulators (enough to cover FMA latency × pipes), the widest
/// vector the machine has, no memory traffic. One operation = one FMA instruction on every lane of one vector.
/// </summary>
public class FmaPeak
{
    /// <summary>FMA instructions per invocation.</summary>
    public const int Fmas = Rounds * Accumulators;
    private const int Rounds = 4096, Accumulators = 16;

    /// <summary>Floats per vector of <see cref="Peak"/>: 16 with AVX-512, else 8 (AVX2 + FMA).</summary>
    public static int Lanes => Avx512F.IsSupported ? 16 : 8;

    [Benchmark(OperationsPerInvoke = Fmas)]
    public float Peak() => Avx512F.IsSupported ? Peak512() : Peak256();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Peak512()
    {
        // a ← a·m + b with m < 1 converges to b/(1 − m): no overflow, no denormals.
        Vector512<float> m = Vector512.Create(0.999f), b = Vector512.Create(1e-3f);
        Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
        Vector512<float> a8 = b, a9 = b, a10 = b, a11 = b, a12 = b, a13 = b, a14 = b, a15 = b;
        for (int i = 0; i < Rounds; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, b); a1 = Avx512F.FusedMultiplyAdd(a1, m, b);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, b); a3 = Avx512F.FusedMultiplyAdd(a3, m, b);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, b); a5 = Avx512F.FusedMultiplyAdd(a5, m, b);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, b); a7 = Avx512F.FusedMultiplyAdd(a7, m, b);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, b); a9 = Avx512F.FusedMultiplyAdd(a9, m, b);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, b); a11 = Avx512F.FusedMultiplyAdd(a11, m, b);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, b); a13 = Avx512F.FusedMultiplyAdd(a13, m, b);
            a14 = Avx512F.FusedMultiplyAdd(a14, m, b); a15 = Avx512F.FusedMultiplyAdd(a15, m, b);
        }
        Vector512<float> sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Peak256()
    {
        Vector256<float> m = Vector256.Create(0.999f), b = Vector256.Create(1e-3f);
        Vector256<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
        Vector256<float> a8 = b, a9 = b, a10 = b, a11 = b, a12 = b, a13 = b, a14 = b, a15 = b;
        for (int i = 0; i < Rounds; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, b); a1 = Fma.MultiplyAdd(a1, m, b); a2 = Fma.MultiplyAdd(a2, m, b); a3 = Fma.MultiplyAdd(a3, m, b);
            a4 = Fma.MultiplyAdd(a4, m, b); a5 = Fma.MultiplyAdd(a5, m, b); a6 = Fma.MultiplyAdd(a6, m, b); a7 = Fma.MultiplyAdd(a7, m, b);
            a8 = Fma.MultiplyAdd(a8, m, b); a9 = Fma.MultiplyAdd(a9, m, b); a10 = Fma.MultiplyAdd(a10, m, b); a11 = Fma.MultiplyAdd(a11, m, b);
            a12 = Fma.MultiplyAdd(a12, m, b); a13 = Fma.MultiplyAdd(a13, m, b); a14 = Fma.MultiplyAdd(a14, m, b); a15 = Fma.MultiplyAdd(a15, m, b);
        }
        Vector256<float> sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
        return Vector256.Sum(sum);
    }
}

/// <summary>
/// The memory bound of a 16→128 Step: one pass of fused multiply-adds over exactly as many floats as the model's weights
/// (LSTM 73,728 = 295 KB, GRU 55,296 = 221 KB; both larger than the 48 KB L1, so they stream from L2 every call), read in
/// address order into 8 independent accumulators and doing nothing else. No Step that reads each weight once can beat it;
/// its GFLOP/s is the ceiling for the 16→128 rows of the report.
/// </summary>
public class StreamBound
{
    public const int LstmWeights = 4 * 128 * (16 + 128), GruWeights = 3 * 128 * (16 + 128);
    // The weights start on a 64-byte boundary, as a generated model's parameters do (AlignedArrays), so the bound is not
    // understated by loads that straddle cache lines.
    private readonly float[] _lstm, _gru;
    private readonly int _lstmOrigin, _gruOrigin;
    private readonly float[] _x = Setup.Inputs(16);

    public StreamBound()
    {
        _lstm = Aligned(LstmWeights, out _lstmOrigin);
        _gru = Aligned(GruWeights, out _gruOrigin);
    }

    private static float[] Aligned(int count, out int origin)
    {
        var array = RnnGen.Kernels.AlignedArrays.Allocate(count, out origin);
        Setup.Inputs(count).CopyTo(array, origin);
        return array;
    }

    [Benchmark] public float Stream_Lstm16x128() => Avx512F.IsSupported ? Stream(ref _lstm[_lstmOrigin], LstmWeights, _x) : float.NaN;
    [Benchmark] public float Stream_Gru16x128() => Avx512F.IsSupported ? Stream(ref _gru[_gruOrigin], GruWeights, _x) : float.NaN;

    /// <summary>The LSTM weights loaded and OR-ed together, no FMA: how much of <see cref="Stream_Lstm16x128"/> is the loads alone.</summary>
    [Benchmark] public float Stream_LoadsOnlyLstm16x128() => Avx512F.IsSupported ? LoadsOnly(ref _lstm[_lstmOrigin], LstmWeights) : float.NaN;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float LoadsOnly(ref float w, int length)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int k = 0; k + 64 <= length; k += 64)
        {
            a0 |= Vector512.LoadUnsafe(ref w, (nuint)k);
            a1 |= Vector512.LoadUnsafe(ref w, (nuint)(k + 16));
            a2 |= Vector512.LoadUnsafe(ref w, (nuint)(k + 32));
            a3 |= Vector512.LoadUnsafe(ref w, (nuint)(k + 48));
        }
        return Vector512.Sum((a0 | a1) | (a2 | a3));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Stream(ref float w, int length, float[] x)
    {
        Vector512<float> v = Vector512.Create(x), a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        int k = 0;
        for (; k + 128 <= length; k += 128)
        {
            a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)k), v, a0);
            a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 16)), v, a1);
            a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 32)), v, a2);
            a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 48)), v, a3);
            a4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 64)), v, a4);
            a5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 80)), v, a5);
            a6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 96)), v, a6);
            a7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(k + 112)), v, a7);
        }
        return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
    }
}
