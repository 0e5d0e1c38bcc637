using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// Partial blocks (AVX-512): a block of 16 or 8 rows that uses only some of them (an LSTM with H = 10 runs one block of
// 16 per gate, 10 rows used) multiplies and reduces only those rows, so it costs in proportion to them: H = 10 Steps
// took 13–20% less time, H = 13 5–7% (LSTM, GRU, RNN; I = 8). PartialBlock16, PartialStart16 and PartialReduce16 are
// Block16, Start16 and Reduce16 with every row after the first guarded by `rows > u`, a constant once inlined. They
// are copies rather than a parameter of the originals on purpose: the guards, even folded away, made an LSTM's whole
// blocks 1.5–1.8× slower (H = 16, 48, 96). Generated cells use them only for a pass that is a single partial block:
// with a loop of whole blocks inlined as well, the larger kernels exhaust the JIT's inlining budget (H = 37: the
// kernels became calls and the Step 3× slower).
public static partial class RowBlocks
{
    /// <summary>
    /// bias + W1 x1 + W2 x2 for the first <paramref name="rows"/> of the 16 rows from <paramref name="row"/>: only those
    /// rows are read and multiplied; the other lanes hold the bias.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector512<float> bias, int rows)
    {
        ref float first1 = ref Unsafe.Add(ref w1, row * cols1);
        ref float first2 = ref Unsafe.Add(ref w2, row * cols2);
        if (cols1 == 1) return PartialBlock16(ref first2, cols2, ref x2, ref first2, 0, ref x2, rows) + Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref first1) & FirstLanes512(rows), Vector512.Create(x1), bias);
        return PartialBlock16(ref first1, cols1, ref x1, ref first2, cols2, ref x2, rows) + bias;
    }

    /// <inheritdoc cref="Rows16(int, ref float, int, ref float, ref float, int, ref float, Vector512{float}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, int rows) =>
        Rows16(row, ref w1, cols1, ref x1, ref w2, cols2, ref x2, Vector512<float>.Zero, rows);

    /// <summary>W x for the first <paramref name="rows"/> of the 16 rows from <paramref name="row"/> (the other lanes are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float w, int cols, ref float x, int rows)
    {
        ref float first = ref Unsafe.Add(ref w, row * cols);
        if (cols == 1) return (Vector512.LoadUnsafe(ref first) & FirstLanes512(rows)) * Vector512.Create(x);
        return PartialBlock16(ref first, cols, ref x, ref first, 0, ref x, rows);
    }

    /// <summary>
    /// bias + W1 x1 + W2 x2 for the first <paramref name="rows"/> of the 8 rows from <paramref name="row"/>, columns read
    /// 16 at a time: the partial block of 16 above, lower half.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8On512(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector256<float> bias, int rows) =>
        Rows16(row, ref w1, cols1, ref x1, ref w2, cols2, ref x2, bias.ToVector512(), rows).GetLower();

    /// <inheritdoc cref="Rows8On512(int, ref float, int, ref float, ref float, int, ref float, Vector256{float}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8On512(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, int rows) =>
        Rows16(row, ref w1, cols1, ref x1, ref w2, cols2, ref x2, rows).GetLower();

    /// <summary>W x for the first <paramref name="rows"/> of the 8 rows from <paramref name="row"/>, columns read 16 at a time (the other lanes are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8On512(int row, ref float w, int cols, ref float x, int rows) =>
        Rows16(row, ref w, cols, ref x, rows).GetLower();

    /// <summary>Block16 for the first <paramref name="rows"/> rows: the other accumulators stay zero and their weights are not read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PartialBlock16(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, int rows)
    {
        Vector512<float> r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15;
        int k1 = 0, k2 = 0;
        if (cols1 >= 16) { PartialStart16(ref w1, cols1, Vector512.LoadUnsafe(ref x1), rows, out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7, out r8, out r9, out r10, out r11, out r12, out r13, out r14, out r15); k1 = 16; }
        else if (cols2 >= 16) { PartialStart16(ref w2, cols2, Vector512.LoadUnsafe(ref x2), rows, out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7, out r8, out r9, out r10, out r11, out r12, out r13, out r14, out r15); k2 = 16; }
        else { r0 = default; r1 = default; r2 = default; r3 = default; r4 = default; r5 = default; r6 = default; r7 = default; r8 = default; r9 = default; r10 = default; r11 = default; r12 = default; r13 = default; r14 = default; r15 = default; }
        int k = k1;
        for (; k + 16 <= cols1; k += 16)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref x1, (nuint)k);
            ref float w = ref Unsafe.Add(ref w1, k);
            r0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w), x, r0);
            r1 = rows > 1 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)cols1), x, r1) : r1;
            r2 = rows > 2 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(2 * cols1)), x, r2) : r2;
            r3 = rows > 3 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(3 * cols1)), x, r3) : r3;
            r4 = rows > 4 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(4 * cols1)), x, r4) : r4;
            r5 = rows > 5 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(5 * cols1)), x, r5) : r5;
            r6 = rows > 6 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(6 * cols1)), x, r6) : r6;
            r7 = rows > 7 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(7 * cols1)), x, r7) : r7;
            r8 = rows > 8 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(8 * cols1)), x, r8) : r8;
            r9 = rows > 9 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(9 * cols1)), x, r9) : r9;
            r10 = rows > 10 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(10 * cols1)), x, r10) : r10;
            r11 = rows > 11 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(11 * cols1)), x, r11) : r11;
            r12 = rows > 12 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(12 * cols1)), x, r12) : r12;
            r13 = rows > 13 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(13 * cols1)), x, r13) : r13;
            r14 = rows > 14 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(14 * cols1)), x, r14) : r14;
            r15 = rows > 15 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(15 * cols1)), x, r15) : r15;
        }
        if (k < cols1)
        {
            Vector512<float> mask = Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)(cols1 - k)));
            Vector512<float> x = Vector512.LoadUnsafe(ref x1, (nuint)k) & mask;
            ref float w = ref Unsafe.Add(ref w1, k);
            r0 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w) & mask), x, r0);
            r1 = rows > 1 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)cols1) & mask), x, r1) : r1;
            r2 = rows > 2 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(2 * cols1)) & mask), x, r2) : r2;
            r3 = rows > 3 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(3 * cols1)) & mask), x, r3) : r3;
            r4 = rows > 4 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(4 * cols1)) & mask), x, r4) : r4;
            r5 = rows > 5 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(5 * cols1)) & mask), x, r5) : r5;
            r6 = rows > 6 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(6 * cols1)) & mask), x, r6) : r6;
            r7 = rows > 7 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(7 * cols1)) & mask), x, r7) : r7;
            r8 = rows > 8 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(8 * cols1)) & mask), x, r8) : r8;
            r9 = rows > 9 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(9 * cols1)) & mask), x, r9) : r9;
            r10 = rows > 10 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(10 * cols1)) & mask), x, r10) : r10;
            r11 = rows > 11 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(11 * cols1)) & mask), x, r11) : r11;
            r12 = rows > 12 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(12 * cols1)) & mask), x, r12) : r12;
            r13 = rows > 13 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(13 * cols1)) & mask), x, r13) : r13;
            r14 = rows > 14 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(14 * cols1)) & mask), x, r14) : r14;
            r15 = rows > 15 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(15 * cols1)) & mask), x, r15) : r15;
        }
        for (k = k2; k + 16 <= cols2; k += 16)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref x2, (nuint)k);
            ref float w = ref Unsafe.Add(ref w2, k);
            r0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w), x, r0);
            r1 = rows > 1 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)cols2), x, r1) : r1;
            r2 = rows > 2 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(2 * cols2)), x, r2) : r2;
            r3 = rows > 3 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(3 * cols2)), x, r3) : r3;
            r4 = rows > 4 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(4 * cols2)), x, r4) : r4;
            r5 = rows > 5 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(5 * cols2)), x, r5) : r5;
            r6 = rows > 6 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(6 * cols2)), x, r6) : r6;
            r7 = rows > 7 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(7 * cols2)), x, r7) : r7;
            r8 = rows > 8 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(8 * cols2)), x, r8) : r8;
            r9 = rows > 9 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(9 * cols2)), x, r9) : r9;
            r10 = rows > 10 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(10 * cols2)), x, r10) : r10;
            r11 = rows > 11 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(11 * cols2)), x, r11) : r11;
            r12 = rows > 12 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(12 * cols2)), x, r12) : r12;
            r13 = rows > 13 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(13 * cols2)), x, r13) : r13;
            r14 = rows > 14 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(14 * cols2)), x, r14) : r14;
            r15 = rows > 15 ? Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(15 * cols2)), x, r15) : r15;
        }
        if (k < cols2)
        {
            Vector512<float> mask = Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)(cols2 - k)));
            Vector512<float> x = Vector512.LoadUnsafe(ref x2, (nuint)k) & mask;
            ref float w = ref Unsafe.Add(ref w2, k);
            r0 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w) & mask), x, r0);
            r1 = rows > 1 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)cols2) & mask), x, r1) : r1;
            r2 = rows > 2 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(2 * cols2)) & mask), x, r2) : r2;
            r3 = rows > 3 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(3 * cols2)) & mask), x, r3) : r3;
            r4 = rows > 4 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(4 * cols2)) & mask), x, r4) : r4;
            r5 = rows > 5 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(5 * cols2)) & mask), x, r5) : r5;
            r6 = rows > 6 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(6 * cols2)) & mask), x, r6) : r6;
            r7 = rows > 7 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(7 * cols2)) & mask), x, r7) : r7;
            r8 = rows > 8 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(8 * cols2)) & mask), x, r8) : r8;
            r9 = rows > 9 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(9 * cols2)) & mask), x, r9) : r9;
            r10 = rows > 10 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(10 * cols2)) & mask), x, r10) : r10;
            r11 = rows > 11 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(11 * cols2)) & mask), x, r11) : r11;
            r12 = rows > 12 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(12 * cols2)) & mask), x, r12) : r12;
            r13 = rows > 13 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(13 * cols2)) & mask), x, r13) : r13;
            r14 = rows > 14 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(14 * cols2)) & mask), x, r14) : r14;
            r15 = rows > 15 ? Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(15 * cols2)) & mask), x, r15) : r15;
        }
        return PartialReduce16(rows, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15);
    }

    /// <summary>Start16 for the first <paramref name="rows"/> rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PartialStart16(ref float w, int cols, Vector512<float> x, int rows, out Vector512<float> r0, out Vector512<float> r1, out Vector512<float> r2, out Vector512<float> r3, out Vector512<float> r4, out Vector512<float> r5, out Vector512<float> r6, out Vector512<float> r7, out Vector512<float> r8, out Vector512<float> r9, out Vector512<float> r10, out Vector512<float> r11, out Vector512<float> r12, out Vector512<float> r13, out Vector512<float> r14, out Vector512<float> r15)
    {
        r0 = Vector512.LoadUnsafe(ref w) * x;
        r1 = rows > 1 ? Vector512.LoadUnsafe(ref w, (nuint)cols) * x : default;
        r2 = rows > 2 ? Vector512.LoadUnsafe(ref w, (nuint)(2 * cols)) * x : default;
        r3 = rows > 3 ? Vector512.LoadUnsafe(ref w, (nuint)(3 * cols)) * x : default;
        r4 = rows > 4 ? Vector512.LoadUnsafe(ref w, (nuint)(4 * cols)) * x : default;
        r5 = rows > 5 ? Vector512.LoadUnsafe(ref w, (nuint)(5 * cols)) * x : default;
        r6 = rows > 6 ? Vector512.LoadUnsafe(ref w, (nuint)(6 * cols)) * x : default;
        r7 = rows > 7 ? Vector512.LoadUnsafe(ref w, (nuint)(7 * cols)) * x : default;
        r8 = rows > 8 ? Vector512.LoadUnsafe(ref w, (nuint)(8 * cols)) * x : default;
        r9 = rows > 9 ? Vector512.LoadUnsafe(ref w, (nuint)(9 * cols)) * x : default;
        r10 = rows > 10 ? Vector512.LoadUnsafe(ref w, (nuint)(10 * cols)) * x : default;
        r11 = rows > 11 ? Vector512.LoadUnsafe(ref w, (nuint)(11 * cols)) * x : default;
        r12 = rows > 12 ? Vector512.LoadUnsafe(ref w, (nuint)(12 * cols)) * x : default;
        r13 = rows > 13 ? Vector512.LoadUnsafe(ref w, (nuint)(13 * cols)) * x : default;
        r14 = rows > 14 ? Vector512.LoadUnsafe(ref w, (nuint)(14 * cols)) * x : default;
        r15 = rows > 15 ? Vector512.LoadUnsafe(ref w, (nuint)(15 * cols)) * x : default;
    }

    /// <summary>Reduce16 skipping every combination of rows at or after <paramref name="rows"/> (those are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PartialReduce16(int rows,
        Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3, Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7,
        Vector512<float> r8, Vector512<float> r9, Vector512<float> r10, Vector512<float> r11, Vector512<float> r12, Vector512<float> r13, Vector512<float> r14, Vector512<float> r15)
    {
        Vector512<float> p0 = SumFloatPairs(r0, r1), p1 = rows > 2 ? SumFloatPairs(r2, r3) : default, p2 = rows > 4 ? SumFloatPairs(r4, r5) : default, p3 = rows > 6 ? SumFloatPairs(r6, r7) : default;
        Vector512<float> p4 = rows > 8 ? SumFloatPairs(r8, r9) : default, p5 = rows > 10 ? SumFloatPairs(r10, r11) : default, p6 = rows > 12 ? SumFloatPairs(r12, r13) : default, p7 = rows > 14 ? SumFloatPairs(r14, r15) : default;
        Vector512<float> u0 = SumFloatPairs(p0, p1), u1 = rows > 4 ? SumFloatPairs(p2, p3) : default, u2 = rows > 8 ? SumFloatPairs(p4, p5) : default, u3 = rows > 12 ? SumFloatPairs(p6, p7) : default;
        return SumLanePairs(Reduce16Halves(u0, u1), rows > 8 ? Reduce16Halves(u2, u3) : default);
    }
}
