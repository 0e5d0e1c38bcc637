using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// BFloat16 weight products (WeightPrecision.BFloat16). A bfloat16 is the upper half of a float32, so widening is a
// 16-bit shift (or a mask) and the products are ordinary float32 FMAs. Rows stay row-major, in 32-bit lanes of two
// weights: of each 8 columns c … c+7, lane i (i < 4) holds column c+i in its low half and column c+4+i in its high half.
// So one vector of lanes widens into two float vectors with one shift and one AND, and they multiply two plain vectors of
// the activations, lo (columns c … c+3 of every 8) and hi (c+4 … c+7), which SplitBFloat16Lanes makes once per step:
// the same layout serves every vector width. A block keeps one accumulator per row and reduces them with the float
// kernels' transposing trees, as RowBlocks.Rows{16,8,4} do. .NET 10 exposes no vdpbf16ps, so this is the product.
public static partial class RowBlocks
{
    /// <summary>
    /// Σ over the <paramref name="lanes"/> lanes from lane <paramref name="first"/> of the rows
    /// <paramref name="row"/> … row+15 (rows <paramref name="stride"/> lanes apart): low(w)·lo[k] + high(w)·hi[k], with
    /// <paramref name="lo"/> and <paramref name="hi"/> the split activations of those lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> BFloat16Rows16(int row, ref ushort w, int stride, int first, int lanes, ref float lo, ref float hi)
    {
        ref uint p = ref Unsafe.Add(ref Unsafe.As<ushort, uint>(ref w), row * stride + first);
        nuint s = (nuint)stride;
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        Vector512<float> r8 = default, r9 = default, r10 = default, r11 = default, r12 = default, r13 = default, r14 = default, r15 = default;
        for (int k = 0; k < lanes; k += 16)
        {
            Vector512<float> a = Vector512.LoadUnsafe(ref lo, (nuint)k), b = Vector512.LoadUnsafe(ref hi, (nuint)k);
            if (k + 16 > lanes)
            {
                // The last, partial chunk: lanes past the segment (another segment or row) meet zeros.
                Vector512<float> mask = Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)(lanes - k)));
                a &= mask;
                b &= mask;
            }
            ref uint c = ref Unsafe.Add(ref p, k);
            r0 = Widened16(Vector512.LoadUnsafe(ref c), a, b, r0);
            r1 = Widened16(Vector512.LoadUnsafe(ref c, s), a, b, r1);
            r2 = Widened16(Vector512.LoadUnsafe(ref c, 2 * s), a, b, r2);
            r3 = Widened16(Vector512.LoadUnsafe(ref c, 3 * s), a, b, r3);
            r4 = Widened16(Vector512.LoadUnsafe(ref c, 4 * s), a, b, r4);
            r5 = Widened16(Vector512.LoadUnsafe(ref c, 5 * s), a, b, r5);
            r6 = Widened16(Vector512.LoadUnsafe(ref c, 6 * s), a, b, r6);
            r7 = Widened16(Vector512.LoadUnsafe(ref c, 7 * s), a, b, r7);
            r8 = Widened16(Vector512.LoadUnsafe(ref c, 8 * s), a, b, r8);
            r9 = Widened16(Vector512.LoadUnsafe(ref c, 9 * s), a, b, r9);
            r10 = Widened16(Vector512.LoadUnsafe(ref c, 10 * s), a, b, r10);
            r11 = Widened16(Vector512.LoadUnsafe(ref c, 11 * s), a, b, r11);
            r12 = Widened16(Vector512.LoadUnsafe(ref c, 12 * s), a, b, r12);
            r13 = Widened16(Vector512.LoadUnsafe(ref c, 13 * s), a, b, r13);
            r14 = Widened16(Vector512.LoadUnsafe(ref c, 14 * s), a, b, r14);
            r15 = Widened16(Vector512.LoadUnsafe(ref c, 15 * s), a, b, r15);
        }
        return Reduce16(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15);
    }

    /// <summary>As <see cref="BFloat16Rows16"/> for 8 rows (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BFloat16Rows8(int row, ref ushort w, int stride, int first, int lanes, ref float lo, ref float hi)
    {
        ref uint p = ref Unsafe.Add(ref Unsafe.As<ushort, uint>(ref w), row * stride + first);
        nuint s = (nuint)stride;
        Vector256<float> r0 = default, r1 = default, r2 = default, r3 = default, r4 = default, r5 = default, r6 = default, r7 = default;
        for (int k = 0; k < lanes; k += 8)
        {
            Vector256<float> a = Vector256.LoadUnsafe(ref lo, (nuint)k), b = Vector256.LoadUnsafe(ref hi, (nuint)k);
            if (k + 8 > lanes)
            {
                Vector256<float> mask = Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)(lanes - k)));
                a &= mask;
                b &= mask;
            }
            ref uint c = ref Unsafe.Add(ref p, k);
            r0 = Widened8(Vector256.LoadUnsafe(ref c), a, b, r0);
            r1 = Widened8(Vector256.LoadUnsafe(ref c, s), a, b, r1);
            r2 = Widened8(Vector256.LoadUnsafe(ref c, 2 * s), a, b, r2);
            r3 = Widened8(Vector256.LoadUnsafe(ref c, 3 * s), a, b, r3);
            r4 = Widened8(Vector256.LoadUnsafe(ref c, 4 * s), a, b, r4);
            r5 = Widened8(Vector256.LoadUnsafe(ref c, 5 * s), a, b, r5);
            r6 = Widened8(Vector256.LoadUnsafe(ref c, 6 * s), a, b, r6);
            r7 = Widened8(Vector256.LoadUnsafe(ref c, 7 * s), a, b, r7);
        }
        return Reduce8(r0, r1, r2, r3, r4, r5, r6, r7);
    }

    /// <summary>As <see cref="BFloat16Rows16"/> for 4 rows (Vector128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> BFloat16Rows4(int row, ref ushort w, int stride, int first, int lanes, ref float lo, ref float hi)
    {
        ref uint p = ref Unsafe.Add(ref Unsafe.As<ushort, uint>(ref w), row * stride + first);
        nuint s = (nuint)stride;
        Vector128<float> r0 = default, r1 = default, r2 = default, r3 = default;
        // Segments are whole groups of 4 lanes (8 columns), so there is no partial chunk.
        for (int k = 0; k < lanes; k += 4)
        {
            Vector128<float> a = Vector128.LoadUnsafe(ref lo, (nuint)k), b = Vector128.LoadUnsafe(ref hi, (nuint)k);
            ref uint c = ref Unsafe.Add(ref p, k);
            r0 = Widened4(Vector128.LoadUnsafe(ref c), a, b, r0);
            r1 = Widened4(Vector128.LoadUnsafe(ref c, s), a, b, r1);
            r2 = Widened4(Vector128.LoadUnsafe(ref c, 2 * s), a, b, r2);
            r3 = Widened4(Vector128.LoadUnsafe(ref c, 3 * s), a, b, r3);
        }
        return Reduce4(r0, r1, r2, r3);
    }

    /// <summary>
    /// Splits <paramref name="count"/> floats of <paramref name="x"/> into the two activation vectors a bfloat16 product
    /// multiplies: of each 8 values, the first 4 go to <paramref name="lo"/> and the last 4 to <paramref name="hi"/>
    /// (zeros where a last group of 8 runs past the count). Both receive ⌈count / 8⌉ · 4 floats.
    /// </summary>
    public static void SplitBFloat16Lanes(ref float x, int count, ref float lo, ref float hi)
    {
        int chunks = count / 8;
        for (int m = 0; m < chunks; m++)
        {
            Vector128.LoadUnsafe(ref x, (nuint)(8 * m)).StoreUnsafe(ref lo, (nuint)(4 * m));
            Vector128.LoadUnsafe(ref x, (nuint)(8 * m + 4)).StoreUnsafe(ref hi, (nuint)(4 * m));
        }
        if (chunks * 8 < count)
        {
            for (int i = 0; i < 8; i++)
            {
                int c = chunks * 8 + i;
                float value = c < count ? Unsafe.Add(ref x, c) : 0f;
                Unsafe.Add(ref i < 4 ? ref lo : ref hi, 4 * chunks + (i & 3)) = value;
            }
        }
    }

    /// <summary>low(w) · a + high(w) · b + acc for 16 lanes of weight pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widened16(Vector512<uint> w, Vector512<float> a, Vector512<float> b, Vector512<float> acc) =>
        Avx512F.FusedMultiplyAdd((w & Vector512.Create(0xFFFF0000u)).AsSingle(), b, Avx512F.FusedMultiplyAdd((w << 16).AsSingle(), a, acc));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widened8(Vector256<uint> w, Vector256<float> a, Vector256<float> b, Vector256<float> acc) =>
        Fma.MultiplyAdd((w & Vector256.Create(0xFFFF0000u)).AsSingle(), b, Fma.MultiplyAdd((w << 16).AsSingle(), a, acc));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Widened4(Vector128<uint> w, Vector128<float> a, Vector128<float> b, Vector128<float> acc) =>
        Fma128((w & Vector128.Create(0xFFFF0000u)).AsSingle(), b, Fma128((w << 16).AsSingle(), a, acc));
}
