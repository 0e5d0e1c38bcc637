using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// Narrow blocks on wide accumulators: the rows a hidden size leaves after its full blocks (8 or 4 of them) still read
// their columns 16 (AVX-512) or 8 (AVX2) at a time, so a tail block of 4 rows costs a quarter of a block of 16, not as
// much (4-float chunks would need four times the instructions per row). Each accumulator is folded to 128 or 256 bits
// before the same transposing reduction the narrow kernels use.
public static partial class RowBlocks
{
    /// <summary>W1 x1 + W2 x2 (+ bias) for the 8 rows from <paramref name="row"/>, columns read 16 at a time (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8On512(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector256<float> bias)
    {
        ref float first1 = ref Unsafe.Add(ref w1, row * cols1);
        if (cols1 == 1) bias = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref first1), Vector256.Create(x1), bias);
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        if (cols1 > 1) Accumulate8On512(ref first1, cols1, ref x1, ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Accumulate8On512(ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        return Reduce8(Fold(r0), Fold(r1), Fold(r2), Fold(r3), Fold(r4), Fold(r5), Fold(r6), Fold(r7)) + bias;
    }

    /// <inheritdoc cref="Rows8On512(int, ref float, int, ref float, ref float, int, ref float, Vector256{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8On512(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2) =>
        Rows8On512(row, ref w1, cols1, ref x1, ref w2, cols2, ref x2, Vector256<float>.Zero);

    /// <summary>W x for the 8 rows from <paramref name="row"/>, columns read 16 at a time (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8On512(int row, ref float w, int cols, ref float x) =>
        Rows8On512(row, ref w, cols, ref x, ref w, 0, ref x, Vector256<float>.Zero);

    /// <summary>W1 x1 + W2 x2 (+ bias) for the 4 rows from <paramref name="row"/>, columns read 16 at a time (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4On512(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector128<float> bias)
    {
        ref float first1 = ref Unsafe.Add(ref w1, row * cols1);
        if (cols1 == 1) bias = Fma128(Vector128.LoadUnsafe(ref first1), Vector128.Create(x1), bias);
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default;
        if (cols1 > 1) Accumulate4On512(ref first1, cols1, ref x1, ref r0, ref r1, ref r2, ref r3);
        Accumulate4On512(ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, ref r0, ref r1, ref r2, ref r3);
        return Reduce4(Fold(Fold(r0)), Fold(Fold(r1)), Fold(Fold(r2)), Fold(Fold(r3))) + bias;
    }

    /// <inheritdoc cref="Rows4On512(int, ref float, int, ref float, ref float, int, ref float, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4On512(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2) =>
        Rows4On512(row, ref w1, cols1, ref x1, ref w2, cols2, ref x2, Vector128<float>.Zero);

    /// <summary>W x for the 4 rows from <paramref name="row"/>, columns read 16 at a time (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4On512(int row, ref float w, int cols, ref float x) =>
        Rows4On512(row, ref w, cols, ref x, ref w, 0, ref x, Vector128<float>.Zero);

    /// <summary>W1 x1 + W2 x2 (+ bias) for the 4 rows from <paramref name="row"/>, columns read 8 at a time (AVX2 + FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4On256(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector128<float> bias)
    {
        ref float first1 = ref Unsafe.Add(ref w1, row * cols1);
        if (cols1 == 1) bias = Fma128(Vector128.LoadUnsafe(ref first1), Vector128.Create(x1), bias);
        Vector256<float> r0 = default, r1 = default, r2 = default, r3 = default;
        if (cols1 > 1) Accumulate4On256(ref first1, cols1, ref x1, ref r0, ref r1, ref r2, ref r3);
        Accumulate4On256(ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, ref r0, ref r1, ref r2, ref r3);
        return Reduce4(Fold(r0), Fold(r1), Fold(r2), Fold(r3)) + bias;
    }

    /// <inheritdoc cref="Rows4On256(int, ref float, int, ref float, ref float, int, ref float, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4On256(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2) =>
        Rows4On256(row, ref w1, cols1, ref x1, ref w2, cols2, ref x2, Vector128<float>.Zero);

    /// <summary>W x for the 4 rows from <paramref name="row"/>, columns read 8 at a time (AVX2 + FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4On256(int row, ref float w, int cols, ref float x) =>
        Rows4On256(row, ref w, cols, ref x, ref w, 0, ref x, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold(Vector512<float> v) => v.GetLower() + v.GetUpper();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fold(Vector256<float> v) => v.GetLower() + v.GetUpper();

    /// <summary>r_u += W[u, k…k+15] ⊙ x[k…k+15] over the columns of 8 rows of W, the last chunk masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate8On512(ref float w, int cols, ref float x,
        ref Vector512<float> r0, ref Vector512<float> r1, ref Vector512<float> r2, ref Vector512<float> r3,
        ref Vector512<float> r4, ref Vector512<float> r5, ref Vector512<float> r6, ref Vector512<float> r7)
    {
        for (int k = 0; k < cols; k += 16)
        {
            Vector512<float> mask = k + 16 <= cols ? Vector512<float>.AllBitsSet : FirstLanes512(cols - k);
            Vector512<float> v = Vector512.LoadUnsafe(ref x, (nuint)k) & mask;
            ref float row = ref Unsafe.Add(ref w, k);
            r0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row) & mask, v, r0);
            r1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)cols) & mask, v, r1);
            r2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(2 * cols)) & mask, v, r2);
            r3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(3 * cols)) & mask, v, r3);
            r4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(4 * cols)) & mask, v, r4);
            r5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(5 * cols)) & mask, v, r5);
            r6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(6 * cols)) & mask, v, r6);
            r7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(7 * cols)) & mask, v, r7);
        }
    }

    /// <summary>r_u += W[u, k…k+15] ⊙ x[k…k+15] over the columns of 4 rows of W, the last chunk masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate4On512(ref float w, int cols, ref float x,
        ref Vector512<float> r0, ref Vector512<float> r1, ref Vector512<float> r2, ref Vector512<float> r3)
    {
        for (int k = 0; k < cols; k += 16)
        {
            Vector512<float> mask = k + 16 <= cols ? Vector512<float>.AllBitsSet : FirstLanes512(cols - k);
            Vector512<float> v = Vector512.LoadUnsafe(ref x, (nuint)k) & mask;
            ref float row = ref Unsafe.Add(ref w, k);
            r0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row) & mask, v, r0);
            r1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)cols) & mask, v, r1);
            r2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(2 * cols)) & mask, v, r2);
            r3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(3 * cols)) & mask, v, r3);
        }
    }

    /// <summary>r_u += W[u, k…k+7] ⊙ x[k…k+7] over the columns of 4 rows of W, the last chunk masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate4On256(ref float w, int cols, ref float x,
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3)
    {
        for (int k = 0; k < cols; k += 8)
        {
            Vector256<float> mask = k + 8 <= cols ? Vector256<float>.AllBitsSet : FirstLanes256(cols - k);
            Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)k) & mask;
            ref float row = ref Unsafe.Add(ref w, k);
            r0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row) & mask, v, r0);
            r1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)cols) & mask, v, r1);
            r2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(2 * cols)) & mask, v, r2);
            r3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(3 * cols)) & mask, v, r3);
        }
    }

    /// <summary>A mask of the first <paramref name="count"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> FirstLanes512(int count) =>
        Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)count));

    /// <inheritdoc cref="FirstLanes512(int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> FirstLanes256(int count) =>
        Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)count));

    /// <inheritdoc cref="FirstLanes512(int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> FirstLanes128(int count) =>
        Vector128.LessThan(Vector128.Create(0f, 1, 2, 3), Vector128.Create((float)count));
}
