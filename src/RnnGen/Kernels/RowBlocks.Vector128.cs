using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// The 4-row kernels: the whole row-block path on machines whose widest vector is 128 bits (ARM64 AdvSimd, x86 without
// AVX2), and the narrow tail blocks of hidden sizes off the 16/8 grid everywhere. Portable Vector128 code: fused
// multiply-add where the machine has it (FMA3, AdvSimd), pairwise adds for the reduction (SSE3 haddps, AdvSimd faddp).
public static partial class RowBlocks
{
    /// <summary>Σ_k W[row + u, k] x[k] for the 4 rows from <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4(int row, ref float w, int cols, ref float x)
    {
        ref float first = ref Unsafe.Add(ref w, row * cols);
        if (cols == 1) return Vector128.LoadUnsafe(ref first) * Vector128.Create(x);
        return Block4(ref first, cols, ref x, ref first, 0, ref x);
    }

    /// <summary>W1 x1 + W2 x2 for the 4 rows from <paramref name="row"/> of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2)
    {
        ref float first1 = ref Unsafe.Add(ref w1, row * cols1);
        ref float first2 = ref Unsafe.Add(ref w2, row * cols2);
        if (cols1 == 1) return Block4(ref first2, cols2, ref x2, ref first2, 0, ref x2) + Vector128.LoadUnsafe(ref first1) * Vector128.Create(x1);
        return Block4(ref first1, cols1, ref x1, ref first2, cols2, ref x2);
    }

    /// <summary>bias + W1 x1 + W2 x2 for the 4 rows from <paramref name="row"/> of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector128<float> bias)
    {
        ref float first1 = ref Unsafe.Add(ref w1, row * cols1);
        ref float first2 = ref Unsafe.Add(ref w2, row * cols2);
        if (cols1 == 1) return Block4(ref first2, cols2, ref x2, ref first2, 0, ref x2) + Fma128(Vector128.LoadUnsafe(ref first1), Vector128.Create(x1), bias);
        return Block4(ref first1, cols1, ref x1, ref first2, cols2, ref x2) + bias;
    }

    /// <summary>The 4 floats of <paramref name="source"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load4(ref float source, int offset) => Vector128.LoadUnsafe(ref Unsafe.Add(ref source, offset));

    /// <summary>Stores <paramref name="value"/> to the 4 floats of <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store4(Vector128<float> value, ref float destination, int offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    /// <summary>
    /// Stores the first <paramref name="count"/> lanes of <paramref name="value"/> from <paramref name="offset"/>. The floats
    /// after them are read and written back unchanged (a blend, not lane-by-lane stores), so they must exist: generated
    /// buffers are padded for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(Vector128<float> value, ref float destination, int offset, int count)
    {
        ref float target = ref Unsafe.Add(ref destination, offset);
        Vector128.ConditionalSelect(FirstLanes128(count), value, Vector128.LoadUnsafe(ref target)).StoreUnsafe(ref target);
    }

    /// <inheritdoc cref="StorePartial(Vector128{float}, ref float, int, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(Vector256<float> value, ref float destination, int offset, int count)
    {
        ref float target = ref Unsafe.Add(ref destination, offset);
        Vector256.ConditionalSelect(FirstLanes256(count), value, Vector256.LoadUnsafe(ref target)).StoreUnsafe(ref target);
    }

    /// <inheritdoc cref="StorePartial(Vector128{float}, ref float, int, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(Vector512<float> value, ref float destination, int offset, int count)
    {
        ref float target = ref Unsafe.Add(ref destination, offset);
        Vector512.ConditionalSelect(FirstLanes512(count), value, Vector512.LoadUnsafe(ref target)).StoreUnsafe(ref target);
    }

    /// <summary>Σ_u a[u] · w[offset + u] over the 4 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(Vector128<float> a, ref float w, int offset) => Vector128.Sum(a * Load4(ref w, offset));

    /// <inheritdoc cref="Dot(Vector128{float}, ref float, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(Vector256<float> a, ref float w, int offset) => Vector256.Sum(a * Load8(ref w, offset));

    /// <inheritdoc cref="Dot(Vector128{float}, ref float, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(Vector512<float> a, ref float w, int offset) => Vector512.Sum(a * Load16(ref w, offset));

    /// <summary>Σ_u a[u] · w[offset + u] over the first <paramref name="count"/> lanes only (the others, and the floats of w after them, may hold anything).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotPartial(Vector128<float> a, ref float w, int offset, int count) => Vector128.Sum((a * Load4(ref w, offset)) & FirstLanes128(count));

    /// <inheritdoc cref="DotPartial(Vector128{float}, ref float, int, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotPartial(Vector256<float> a, ref float w, int offset, int count) => Vector256.Sum((a * Load8(ref w, offset)) & FirstLanes256(count));

    /// <inheritdoc cref="DotPartial(Vector128{float}, ref float, int, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotPartial(Vector512<float> a, ref float w, int offset, int count) => Vector512.Sum((a * Load16(ref w, offset)) & FirstLanes512(count));

    /// <summary>
    /// Σ_k W1[u, k] x1[k] + Σ_k W2[u, k] x2[k] for 4 rows u, one accumulator per row; a partial last chunk of either
    /// matrix (and its vector) is masked to zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Block4(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2)
    {
        Vector128<float> r0 = default, r1 = default, r2 = default, r3 = default;
        Accumulate4(ref w1, cols1, ref x1, ref r0, ref r1, ref r2, ref r3);
        Accumulate4(ref w2, cols2, ref x2, ref r0, ref r1, ref r2, ref r3);
        return Reduce4(r0, r1, r2, r3);
    }

    /// <summary>r_u += W[u, k…k+3] ⊙ x[k…k+3] over the columns of 4 rows of W, the last chunk masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate4(ref float w, int cols, ref float x, ref Vector128<float> r0, ref Vector128<float> r1, ref Vector128<float> r2, ref Vector128<float> r3)
    {
        int k = 0;
        for (; k + 4 <= cols; k += 4)
        {
            Vector128<float> v = Vector128.LoadUnsafe(ref x, (nuint)k);
            ref float row = ref Unsafe.Add(ref w, k);
            r0 = Fma128(Vector128.LoadUnsafe(ref row), v, r0);
            r1 = Fma128(Vector128.LoadUnsafe(ref row, (nuint)cols), v, r1);
            r2 = Fma128(Vector128.LoadUnsafe(ref row, (nuint)(2 * cols)), v, r2);
            r3 = Fma128(Vector128.LoadUnsafe(ref row, (nuint)(3 * cols)), v, r3);
        }
        if (k < cols)
        {
            Vector128<float> mask = Vector128.LessThan(Vector128.Create(0f, 1, 2, 3), Vector128.Create((float)(cols - k)));
            Vector128<float> v = Vector128.LoadUnsafe(ref x, (nuint)k) & mask;
            ref float row = ref Unsafe.Add(ref w, k);
            r0 = Fma128(Vector128.LoadUnsafe(ref row) & mask, v, r0);
            r1 = Fma128(Vector128.LoadUnsafe(ref row, (nuint)cols) & mask, v, r1);
            r2 = Fma128(Vector128.LoadUnsafe(ref row, (nuint)(2 * cols)) & mask, v, r2);
            r3 = Fma128(Vector128.LoadUnsafe(ref row, (nuint)(3 * cols)) & mask, v, r3);
        }
    }

    /// <summary>Lane u of the result = Σ lanes of r_u, by two levels of pairwise adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Reduce4(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3)
    {
        if (Sse3.IsSupported)
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(r0, r1), Sse3.HorizontalAdd(r2, r3));
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(r0, r1), AdvSimd.Arm64.AddPairwise(r2, r3));
        return Vector128.Create(Vector128.Sum(r0), Vector128.Sum(r1), Vector128.Sum(r2), Vector128.Sum(r3));
    }

    /// <summary>a · b + c, fused where the machine has it (FMA3, AdvSimd), else a multiply and an add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fma128(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        if (Fma.IsSupported) return Fma.MultiplyAdd(a, b, c);
        if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(c, a, b);
        return a * b + c;
    }
}
