using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// The gate activations of the vectorised cells, one operator a method, each summary its formula and tested error.
public static partial class RowBlocks
{
    /// <summary>relu(x) = max(x, 0), element-wise (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> x) => Vector512.Max(x, Vector512.Create(0f));

    /// <inheritdoc cref="Relu(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> x) => Vector256.Max(x, Vector256.Create(0f));

    /// <summary>σ(x) = 1 / (1 + e^−x), accurate to about one float ulp: the <c>Exact</c> activations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <summary>σ(x) = 1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>
    /// tanh x: the odd Taylor polynomial to x¹¹ for |x| &lt; 1/4 (truncation below 1e-9 relative), else
    /// sign(x)·(1 − 2 / (e^{2|x|} + 1)); accurate to about one float ulp: the <c>Exact</c> activations.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> large = Vector512<float>.One - Vector512.Create(2f) / (Exp(ax + ax) + Vector512<float>.One);
        large = Vector512.ConditionalSelect(Vector512.Create(-0f), x, large); // copy the sign of x
        Vector512<float> x2 = x * x;
        Vector512<float> p = Avx512F.FusedMultiplyAdd(x2, Vector512.Create(TanhC11), Vector512.Create(TanhC9));
        p = Avx512F.FusedMultiplyAdd(p, x2, Vector512.Create(TanhC7));
        p = Avx512F.FusedMultiplyAdd(p, x2, Vector512.Create(TanhC5));
        p = Avx512F.FusedMultiplyAdd(p, x2, Vector512.Create(TanhC3));
        Vector512<float> small = Avx512F.FusedMultiplyAdd(p * x2, x, x);
        return Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.25f)), small, large);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> large = Vector256<float>.One - Vector256.Create(2f) / (Exp(ax + ax) + Vector256<float>.One);
        large = Vector256.ConditionalSelect(Vector256.Create(-0f), x, large);
        Vector256<float> x2 = x * x;
        Vector256<float> p = Fma.MultiplyAdd(x2, Vector256.Create(TanhC11), Vector256.Create(TanhC9));
        p = Fma.MultiplyAdd(p, x2, Vector256.Create(TanhC7));
        p = Fma.MultiplyAdd(p, x2, Vector256.Create(TanhC5));
        p = Fma.MultiplyAdd(p, x2, Vector256.Create(TanhC3));
        Vector256<float> small = Fma.MultiplyAdd(p * x2, x, x);
        return Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(0.25f)), small, large);
    }

    /// <summary>
    /// Fast tanh, the default in generated row-block cells: x clamped to ±7.9053 (where the rational reaches its largest value), then
    /// the odd/even rational minimax x·P(x²)/Q(x²) of degrees 13/6 that Eigen and ONNX Runtime's MLAS use, with P and Q
    /// evaluated by Estrin's scheme so the dependency chain is short (about 35 cycles against about 70 for
    /// <see cref="Tanh(Vector512{float})"/>); exactly ±1 beyond |x| = 9.1, as in float. Tested maximum error: 3e-7 absolute
    /// and 4e-7 relative (about 4 float ulp).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FastTanh(Vector512<float> input)
    {
        Vector512<float> x = Vector512.Min(Vector512.Max(input, Vector512.Create(-TanhClamp)), Vector512.Create(TanhClamp));
        Vector512<float> y = x * x, y2 = y * y, y4 = y2 * y2;
        Vector512<float> p = Avx512F.FusedMultiplyAdd(y2, Avx512F.FusedMultiplyAdd(y, Vector512.Create(TanhP7), Vector512.Create(TanhP5)), Avx512F.FusedMultiplyAdd(y, Vector512.Create(TanhP3), Vector512.Create(TanhP1)));
        Vector512<float> high = Avx512F.FusedMultiplyAdd(y2, Vector512.Create(TanhP13), Avx512F.FusedMultiplyAdd(y, Vector512.Create(TanhP11), Vector512.Create(TanhP9)));
        p = Avx512F.FusedMultiplyAdd(y4, high, p);
        Vector512<float> q = Avx512F.FusedMultiplyAdd(y2, Avx512F.FusedMultiplyAdd(y, Vector512.Create(TanhQ6), Vector512.Create(TanhQ4)), Avx512F.FusedMultiplyAdd(y, Vector512.Create(TanhQ2), Vector512.Create(TanhQ0)));
        // Beyond |x| = 9.1 float tanh is exactly ±1 (the rational gives 1 − 2.4e-7 there); NaN fails the test and stays NaN.
        Vector512<float> saturated = (Vector512.Create(-0f) & input) | Vector512<float>.One;
        return Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Abs(input), Vector512.Create(9.1f)), saturated, x * p / q);
    }

    /// <inheritdoc cref="FastTanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FastTanh(Vector256<float> input)
    {
        Vector256<float> x = Vector256.Min(Vector256.Max(input, Vector256.Create(-TanhClamp)), Vector256.Create(TanhClamp));
        Vector256<float> y = x * x, y2 = y * y, y4 = y2 * y2;
        Vector256<float> p = Fma.MultiplyAdd(y2, Fma.MultiplyAdd(y, Vector256.Create(TanhP7), Vector256.Create(TanhP5)), Fma.MultiplyAdd(y, Vector256.Create(TanhP3), Vector256.Create(TanhP1)));
        Vector256<float> high = Fma.MultiplyAdd(y2, Vector256.Create(TanhP13), Fma.MultiplyAdd(y, Vector256.Create(TanhP11), Vector256.Create(TanhP9)));
        p = Fma.MultiplyAdd(y4, high, p);
        Vector256<float> q = Fma.MultiplyAdd(y2, Fma.MultiplyAdd(y, Vector256.Create(TanhQ6), Vector256.Create(TanhQ4)), Fma.MultiplyAdd(y, Vector256.Create(TanhQ2), Vector256.Create(TanhQ0)));
        // Beyond |x| = 9.1 float tanh is exactly ±1 (the rational gives 1 − 2.4e-7 there); NaN fails the test and stays NaN.
        Vector256<float> saturated = (Vector256.Create(-0f) & input) | Vector256<float>.One;
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Abs(input), Vector256.Create(9.1f)), saturated, x * p / q);
    }

    /// <summary>Fast σ(x) = (1 + tanh(x/2)) / 2 by <see cref="FastTanh(Vector512{float})"/>. Tested maximum error: 2e-7 absolute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FastSigmoid(Vector512<float> x) =>
        Avx512F.FusedMultiplyAdd(FastTanh(x * Vector512.Create(0.5f)), Vector512.Create(0.5f), Vector512.Create(0.5f));

    /// <inheritdoc cref="FastSigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FastSigmoid(Vector256<float> x) =>
        Fma.MultiplyAdd(FastTanh(x * Vector256.Create(0.5f)), Vector256.Create(0.5f), Vector256.Create(0.5f));

    /// <summary>
    /// e^x: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two for an exact product), e^r by its degree-7 Taylor
    /// polynomial (truncation below 6e-9), 2^n by the exponent bits. x is clamped to [−87, 88], so the result is finite and normal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(-87f)), Vector512.Create(88f));
        Vector512<float> n = Avx512F.RoundScale(x * Vector512.Create(Log2E), 0); // round to nearest
        Vector512<float> r = Avx512F.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Avx512F.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> p = Avx512F.FusedMultiplyAdd(r, Vector512.Create(1f / 5040), Vector512.Create(1f / 720));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1f / 120));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1f / 24));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Avx512F.FusedMultiplyAdd(p, r, Vector512<float>.One);
        Vector512<int> scale = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    /// <inheritdoc cref="Exp(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87f)), Vector256.Create(88f));
        Vector256<float> n = Avx.RoundToNearestInteger(x * Vector256.Create(Log2E));
        Vector256<float> r = Fma.MultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Fma.MultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        Vector256<float> p = Fma.MultiplyAdd(r, Vector256.Create(1f / 5040), Vector256.Create(1f / 720));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(1f / 120));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(1f / 24));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(1f / 6));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Fma.MultiplyAdd(p, r, Vector256<float>.One);
        p = Fma.MultiplyAdd(p, r, Vector256<float>.One);
        Vector256<int> scale = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    private const float Log2E = 1.44269504f;
    private const float Ln2High = 0.693145752f; // ln 2 rounded to 16 significant bits: n·Ln2High is exact for |n| ≤ 128
    private const float Ln2Low = 1.42860677e-6f; // ln 2 − Ln2High
    // FastTanh: the clamp, numerator (odd) and denominator (even) coefficients of Eigen's and MLAS's float tanh.
    private const float TanhClamp = 7.90531110763549805f;
    private const float TanhP1 = 4.89352455891786e-03f, TanhP3 = 6.37261928875436e-04f, TanhP5 = 1.48572235717979e-05f,
        TanhP7 = 5.12229709037114e-08f, TanhP9 = -8.60467152213735e-11f, TanhP11 = 2.00018790482477e-13f, TanhP13 = -2.76076847742355e-16f;
    private const float TanhQ0 = 4.89352518554385e-03f, TanhQ2 = 2.26843463243900e-03f, TanhQ4 = 1.18534705686654e-04f, TanhQ6 = 1.19825839466702e-06f;
    private const float TanhC3 = -1f / 3, TanhC5 = 2f / 15, TanhC7 = -17f / 315, TanhC9 = 62f / 2835, TanhC11 = -1382f / 155925;

    // The same operators on Vector128 (ARM64 AdvSimd, x86 without AVX2, and narrow tail blocks): same formulas, same bounds.

    /// <inheritdoc cref="Relu(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> x) => Vector128.Max(x, Vector128.Create(0f));

    /// <inheritdoc cref="Sigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + Exp(-x));

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> ax = Vector128.Abs(x);
        Vector128<float> large = Vector128<float>.One - Vector128.Create(2f) / (Exp(ax + ax) + Vector128<float>.One);
        large = Vector128.ConditionalSelect(Vector128.Create(-0f), x, large);
        Vector128<float> x2 = x * x;
        Vector128<float> p = Fma128(x2, Vector128.Create(TanhC11), Vector128.Create(TanhC9));
        p = Fma128(p, x2, Vector128.Create(TanhC7));
        p = Fma128(p, x2, Vector128.Create(TanhC5));
        p = Fma128(p, x2, Vector128.Create(TanhC3));
        Vector128<float> small = Fma128(p * x2, x, x);
        return Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(0.25f)), small, large);
    }

    /// <inheritdoc cref="FastTanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FastTanh(Vector128<float> input)
    {
        Vector128<float> x = Vector128.Min(Vector128.Max(input, Vector128.Create(-TanhClamp)), Vector128.Create(TanhClamp));
        Vector128<float> y = x * x, y2 = y * y, y4 = y2 * y2;
        Vector128<float> p = Fma128(y2, Fma128(y, Vector128.Create(TanhP7), Vector128.Create(TanhP5)), Fma128(y, Vector128.Create(TanhP3), Vector128.Create(TanhP1)));
        Vector128<float> high = Fma128(y2, Vector128.Create(TanhP13), Fma128(y, Vector128.Create(TanhP11), Vector128.Create(TanhP9)));
        p = Fma128(y4, high, p);
        Vector128<float> q = Fma128(y2, Fma128(y, Vector128.Create(TanhQ6), Vector128.Create(TanhQ4)), Fma128(y, Vector128.Create(TanhQ2), Vector128.Create(TanhQ0)));
        Vector128<float> saturated = (Vector128.Create(-0f) & input) | Vector128<float>.One;
        return Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.Abs(input), Vector128.Create(9.1f)), saturated, x * p / q);
    }

    /// <inheritdoc cref="FastSigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FastSigmoid(Vector128<float> x) =>
        Fma128(FastTanh(x * Vector128.Create(0.5f)), Vector128.Create(0.5f), Vector128.Create(0.5f));

    /// <inheritdoc cref="Exp(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(-87f)), Vector128.Create(88f));
        Vector128<float> n = RoundToNearest(x * Vector128.Create(Log2E));
        Vector128<float> r = Fma128(n, Vector128.Create(-Ln2High), x);
        r = Fma128(n, Vector128.Create(-Ln2Low), r);
        Vector128<float> p = Fma128(r, Vector128.Create(1f / 5040), Vector128.Create(1f / 720));
        p = Fma128(p, r, Vector128.Create(1f / 120));
        p = Fma128(p, r, Vector128.Create(1f / 24));
        p = Fma128(p, r, Vector128.Create(1f / 6));
        p = Fma128(p, r, Vector128.Create(0.5f));
        p = Fma128(p, r, Vector128<float>.One);
        p = Fma128(p, r, Vector128<float>.One);
        Vector128<int> scale = (Vector128.ConvertToInt32(n) + Vector128.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    /// <summary>Rounds to the nearest integer, ties to even (SSE4.1 roundps, AdvSimd frintn; else by adding and subtracting 1.5·2²³).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> RoundToNearest(Vector128<float> x)
    {
        if (Sse41.IsSupported) return Sse41.RoundToNearestInteger(x);
        if (AdvSimd.IsSupported) return AdvSimd.RoundToNearest(x);
        Vector128<float> magic = Vector128.Create(12582912f); // 1.5·2²³: adding it leaves the rounded value in the low mantissa bits
        return (x + magic) - magic;
    }
}
