using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Register-blocked kernels for the generated cells' row-block strategy: the gate pre-activations of a block of
/// 16 (AVX-512) or 8 (AVX2) hidden units are dot products of that many rows of the row-major PyTorch weights, computed
/// in one vector accumulator per row and reduced by a transposing tree, so a block's gates come out in one vector and
/// the cell's element-wise update runs in registers. Generated code inlines them with constant sizes, which removes
/// every size branch below. A benchmark showed why: one <c>TensorPrimitives.Dot</c> call per gate row
/// (<see cref="MatrixOps.GemvAdd"/>) spends most of a small step in call and reduction overhead (docs/PERFORMANCE.md).
/// </summary>
/// <remarks>
/// Callers guarantee: rows are <c>cols</c> floats apart; when <c>cols</c> is not a multiple of the block width, the
/// 15 (7) floats after the last row and after x are readable (masked out, never used).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class RowBlocks
{
    /// <summary>Σ_k W[u, k] x[k] for the 16 rows u of W starting at <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(ref float w, int cols, ref float x)
    {
        if (cols == 1) return Vector512.LoadUnsafe(ref w) * Vector512.Create(x);
        return Block16(ref w, cols, ref x, ref w, 0, ref x);
    }

    /// <summary>Σ_k W1[u, k] x1[k] + Σ_k W2[u, k] x2[k] for 16 rows u: input and recurrent products share one reduction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2)
    {
        if (cols1 == 1) return Block16(ref w2, cols2, ref x2, ref w2, 0, ref x2) + Vector512.LoadUnsafe(ref w1) * Vector512.Create(x1);
        return Block16(ref w1, cols1, ref x1, ref w2, cols2, ref x2);
    }

    /// <summary>
    /// bias + Σ_k W1[u, k] x1[k] + Σ_k W2[u, k] x2[k] for 16 rows u. The bias (and a one-column W1 x1) is added to the
    /// reduced sum in one step, computed while the recurrent products run, so it adds one addition to the step's chain.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector512<float> bias)
    {
        if (cols1 == 1) return Block16(ref w2, cols2, ref x2, ref w2, 0, ref x2) + Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1), Vector512.Create(x1), bias);
        return Block16(ref w1, cols1, ref x1, ref w2, cols2, ref x2) + bias;
    }

    /// <summary>Σ_k W[u, k] x[k] for the 8 rows u of W starting at <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(ref float w, int cols, ref float x)
    {
        if (cols == 1) return Vector256.LoadUnsafe(ref w) * Vector256.Create(x);
        return Block8(ref w, cols, ref x, ref w, 0, ref x);
    }

    /// <summary>Σ_k W1[u, k] x1[k] + Σ_k W2[u, k] x2[k] for 8 rows u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2)
    {
        if (cols1 == 1) return Block8(ref w2, cols2, ref x2, ref w2, 0, ref x2) + Vector256.LoadUnsafe(ref w1) * Vector256.Create(x1);
        return Block8(ref w1, cols1, ref x1, ref w2, cols2, ref x2);
    }

    /// <inheritdoc cref="Rows16(ref float, int, ref float, ref float, int, ref float, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector256<float> bias)
    {
        if (cols1 == 1) return Block8(ref w2, cols2, ref x2, ref w2, 0, ref x2) + Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w1), Vector256.Create(x1), bias);
        return Block8(ref w1, cols1, ref x1, ref w2, cols2, ref x2) + bias;
    }

    /// <summary>
    /// bias + W1 x1 + W2 x2 for 16 rows u of a cell with H = 8 (AVX-512), lane u = row u: two 8-float rows share one
    /// 512-bit product, so 16 rows need 8 products and 7 pairwise shuffle levels instead of 16 of each. Columns come in
    /// whole chunks of 8 (cols a multiple of 8); cols = 1 (one input) is added after the reduction; cols = 0 adds nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pairs16(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector512<float> bias)
    {
        if (cols1 < 8 && cols2 < 8) return SingleColumns(ref w1, cols1, ref x1, ref w2, cols2, ref x2, bias);
        Vector512<float> m0 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 0), m1 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 1);
        Vector512<float> m2 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 2), m3 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 3);
        Vector512<float> m4 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 4), m5 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 5);
        Vector512<float> m6 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 6), m7 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 7);
        Vector512<float> sums = Avx512F.PermuteVar16x32(SumFloatPairs(PairQuarters(SumLanePairs(m0, m1), SumLanePairs(m2, m3)), PairQuarters(SumLanePairs(m4, m5), SumLanePairs(m6, m7))), PairOrder);
        return sums + SingleColumns(ref w1, cols1, ref x1, ref w2, cols2, ref x2, bias);
    }

    /// <summary>As <see cref="Pairs16(ref float, int, ref float, ref float, int, ref float, Vector512{float})"/> for 8 rows (4 products); the result is 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pairs8(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector256<float> bias)
    {
        if (cols1 == 1) bias = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w1), Vector256.Create(x1), bias);
        if (cols2 == 1) bias = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w2), Vector256.Create(x2), bias);
        if (cols1 < 8 && cols2 < 8) return bias;
        Vector512<float> m0 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 0), m1 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 1);
        Vector512<float> m2 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 2), m3 = PairProducts(ref w1, cols1, ref x1, ref w2, cols2, ref x2, 3);
        Vector512<float> quarters = PairQuarters(SumLanePairs(m0, m1), SumLanePairs(m2, m3));
        return Avx512F.PermuteVar16x32(SumFloatPairs(quarters, quarters), PairOrder).GetLower() + bias;
    }

    // Entry points of generated cells: the block's first row is an index, so emitted lines stay short. Each is the
    // overload above on the rows from `row` on, and computes exactly what it computes.

    /// <summary>Σ_k W[row + u, k] x[k] for the 16 rows from <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float w, int cols, ref float x) =>
        Rows16(ref Unsafe.Add(ref w, row * cols), cols, ref x);

    /// <summary>W1 x1 + W2 x2 for the 16 rows from <paramref name="row"/> of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2) =>
        Rows16(ref Unsafe.Add(ref w1, row * cols1), cols1, ref x1, ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2);

    /// <summary>bias + W1 x1 + W2 x2 for the 16 rows from <paramref name="row"/> of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector512<float> bias) =>
        Rows16(ref Unsafe.Add(ref w1, row * cols1), cols1, ref x1, ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, bias);

    /// <summary>Σ_k W[row + u, k] x[k] for the 8 rows from <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(int row, ref float w, int cols, ref float x) =>
        Rows8(ref Unsafe.Add(ref w, row * cols), cols, ref x);

    /// <summary>W1 x1 + W2 x2 for the 8 rows from <paramref name="row"/> of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2) =>
        Rows8(ref Unsafe.Add(ref w1, row * cols1), cols1, ref x1, ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2);

    /// <summary>bias + W1 x1 + W2 x2 for the 8 rows from <paramref name="row"/> of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector256<float> bias) =>
        Rows8(ref Unsafe.Add(ref w1, row * cols1), cols1, ref x1, ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, bias);

    /// <summary><see cref="Pairs16(ref float, int, ref float, ref float, int, ref float, Vector512{float})"/> on the rows from <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pairs16(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector512<float> bias) =>
        Pairs16(ref Unsafe.Add(ref w1, row * cols1), cols1, ref x1, ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, bias);

    /// <summary><see cref="Pairs8(ref float, int, ref float, ref float, int, ref float, Vector256{float})"/> on the rows from <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pairs8(int row, ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector256<float> bias) =>
        Pairs8(ref Unsafe.Add(ref w1, row * cols1), cols1, ref x1, ref Unsafe.Add(ref w2, row * cols2), cols2, ref x2, bias);

    /// <summary>The 16 floats of <paramref name="source"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(ref float source, int offset) => Vector512.LoadUnsafe(ref Unsafe.Add(ref source, offset));

    /// <summary>The 8 floats of <paramref name="source"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load8(ref float source, int offset) => Vector256.LoadUnsafe(ref Unsafe.Add(ref source, offset));

    /// <summary>Stores <paramref name="value"/> to the 16 floats of <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector512<float> value, ref float destination, int offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    /// <summary>Stores <paramref name="value"/> to the 8 floats of <paramref name="destination"/> from <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector256<float> value, ref float destination, int offset) => value.StoreUnsafe(ref Unsafe.Add(ref destination, offset));

    /// <summary>Rows 2k and 2k + 1 times [x, x], lanes 0–7 and 8–15, summed over the 8-float column chunks of both matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairProducts(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, int k)
    {
        Vector512<float> sum;
        int c1 = 0, c2 = 0;
        if (cols2 >= 8) { sum = PairChunk(ref w2, cols2, k, 0) * PairX(ref x2, 0); c2 = 8; }
        else if (cols1 >= 8) { sum = PairChunk(ref w1, cols1, k, 0) * PairX(ref x1, 0); c1 = 8; }
        else sum = default;
        if (cols1 >= 8)
            for (int c = c1; c < cols1; c += 8) sum = Avx512F.FusedMultiplyAdd(PairChunk(ref w1, cols1, k, c), PairX(ref x1, c), sum);
        if (cols2 >= 8)
            for (int c = c2; c < cols2; c += 8) sum = Avx512F.FusedMultiplyAdd(PairChunk(ref w2, cols2, k, c), PairX(ref x2, c), sum);
        return sum;
    }

    /// <summary>Columns c…c+7 of rows 2k and 2k + 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairChunk(ref float w, int cols, int k, int c)
    {
        ref float row = ref Unsafe.Add(ref w, 2 * k * cols + c);
        return cols == 8 ? Vector512.LoadUnsafe(ref row) : Vector512.Create(Vector256.LoadUnsafe(ref row), Vector256.LoadUnsafe(ref row, (nuint)cols));
    }

    /// <summary>[x[c…c+7], x[c…c+7]].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairX(ref float x, int c)
    {
        Vector256<float> chunk = Vector256.LoadUnsafe(ref x, (nuint)c);
        return Vector512.Create(chunk, chunk);
    }

    /// <summary>bias plus the one-column matrices' W x (their 16 rows are 16 consecutive floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SingleColumns(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2, Vector512<float> bias)
    {
        if (cols1 == 1) bias = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1), Vector512.Create(x1), bias);
        if (cols2 == 1) bias = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2), Vector512.Create(x2), bias);
        return bias;
    }

    // Pair products → row sums: 128-bit lanes first (each row's two halves, SumLanePairs), then within lanes (PairQuarters,
    // then SumFloatPairs). Lane u of the result holds row PairOrder⁻¹(u); the permutation puts rows back in order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairQuarters(Vector512<float> p, Vector512<float> q) =>
        Avx512F.Shuffle(p, q, 0b01_00_01_00) + Avx512F.Shuffle(p, q, 0b11_10_11_10);

    private static readonly Vector512<int> PairOrder = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);


    /// <summary>
    /// Σ_k W1[u, k] x1[k] + Σ_k W2[u, k] x2[k] for 16 rows u, one accumulator per row (locals, so they stay in
    /// registers; a struct of them was not promoted and ran 3× slower). A partial last chunk
    /// of either matrix (and its vector) is masked to zero, so whatever follows it is never used. The accumulators start as the products of the
    /// first whole chunk (of W1 if it has one, else of W2) rather than as zeros: 16 fewer instructions per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Block16(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2)
    {
        Vector512<float> r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15;
        int k1 = 0, k2 = 0;
        if (cols1 >= 16) { Start16(ref w1, cols1, Vector512.LoadUnsafe(ref x1), out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7, out r8, out r9, out r10, out r11, out r12, out r13, out r14, out r15); k1 = 16; }
        else if (cols2 >= 16) { Start16(ref w2, cols2, Vector512.LoadUnsafe(ref x2), out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7, out r8, out r9, out r10, out r11, out r12, out r13, out r14, out r15); k2 = 16; }
        else { r0 = default; r1 = default; r2 = default; r3 = default; r4 = default; r5 = default; r6 = default; r7 = default; r8 = default; r9 = default; r10 = default; r11 = default; r12 = default; r13 = default; r14 = default; r15 = default; }
        int k = k1;
        for (; k + 16 <= cols1; k += 16)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref x1, (nuint)k);
            ref float w = ref Unsafe.Add(ref w1, k);
            r0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w), x, r0);
            r1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)cols1), x, r1);
            r2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(2 * cols1)), x, r2);
            r3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(3 * cols1)), x, r3);
            r4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(4 * cols1)), x, r4);
            r5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(5 * cols1)), x, r5);
            r6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(6 * cols1)), x, r6);
            r7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(7 * cols1)), x, r7);
            r8 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(8 * cols1)), x, r8);
            r9 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(9 * cols1)), x, r9);
            r10 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(10 * cols1)), x, r10);
            r11 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(11 * cols1)), x, r11);
            r12 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(12 * cols1)), x, r12);
            r13 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(13 * cols1)), x, r13);
            r14 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(14 * cols1)), x, r14);
            r15 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(15 * cols1)), x, r15);
        }
        if (k < cols1)
        {
            Vector512<float> mask = Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)(cols1 - k)));
            Vector512<float> x = Vector512.LoadUnsafe(ref x1, (nuint)k) & mask;
            ref float w = ref Unsafe.Add(ref w1, k);
            r0 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w) & mask), x, r0);
            r1 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)cols1) & mask), x, r1);
            r2 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(2 * cols1)) & mask), x, r2);
            r3 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(3 * cols1)) & mask), x, r3);
            r4 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(4 * cols1)) & mask), x, r4);
            r5 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(5 * cols1)) & mask), x, r5);
            r6 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(6 * cols1)) & mask), x, r6);
            r7 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(7 * cols1)) & mask), x, r7);
            r8 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(8 * cols1)) & mask), x, r8);
            r9 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(9 * cols1)) & mask), x, r9);
            r10 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(10 * cols1)) & mask), x, r10);
            r11 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(11 * cols1)) & mask), x, r11);
            r12 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(12 * cols1)) & mask), x, r12);
            r13 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(13 * cols1)) & mask), x, r13);
            r14 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(14 * cols1)) & mask), x, r14);
            r15 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(15 * cols1)) & mask), x, r15);
        }
        for (k = k2; k + 16 <= cols2; k += 16)
        {
            Vector512<float> x = Vector512.LoadUnsafe(ref x2, (nuint)k);
            ref float w = ref Unsafe.Add(ref w2, k);
            r0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w), x, r0);
            r1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)cols2), x, r1);
            r2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(2 * cols2)), x, r2);
            r3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(3 * cols2)), x, r3);
            r4 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(4 * cols2)), x, r4);
            r5 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(5 * cols2)), x, r5);
            r6 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(6 * cols2)), x, r6);
            r7 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(7 * cols2)), x, r7);
            r8 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(8 * cols2)), x, r8);
            r9 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(9 * cols2)), x, r9);
            r10 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(10 * cols2)), x, r10);
            r11 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(11 * cols2)), x, r11);
            r12 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(12 * cols2)), x, r12);
            r13 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(13 * cols2)), x, r13);
            r14 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(14 * cols2)), x, r14);
            r15 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(15 * cols2)), x, r15);
        }
        if (k < cols2)
        {
            Vector512<float> mask = Vector512.LessThan(Vector512.Create(0f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((float)(cols2 - k)));
            Vector512<float> x = Vector512.LoadUnsafe(ref x2, (nuint)k) & mask;
            ref float w = ref Unsafe.Add(ref w2, k);
            r0 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w) & mask), x, r0);
            r1 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)cols2) & mask), x, r1);
            r2 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(2 * cols2)) & mask), x, r2);
            r3 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(3 * cols2)) & mask), x, r3);
            r4 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(4 * cols2)) & mask), x, r4);
            r5 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(5 * cols2)) & mask), x, r5);
            r6 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(6 * cols2)) & mask), x, r6);
            r7 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(7 * cols2)) & mask), x, r7);
            r8 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(8 * cols2)) & mask), x, r8);
            r9 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(9 * cols2)) & mask), x, r9);
            r10 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(10 * cols2)) & mask), x, r10);
            r11 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(11 * cols2)) & mask), x, r11);
            r12 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(12 * cols2)) & mask), x, r12);
            r13 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(13 * cols2)) & mask), x, r13);
            r14 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(14 * cols2)) & mask), x, r14);
            r15 = Avx512F.FusedMultiplyAdd((Vector512.LoadUnsafe(ref w, (nuint)(15 * cols2)) & mask), x, r15);
        }
        return Reduce16(r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15);
    }

    /// <summary>r_u = W[u, 0..15] · x, lane by lane, for the 16 rows of W starting at <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Start16(ref float w, int cols, Vector512<float> x, out Vector512<float> r0, out Vector512<float> r1, out Vector512<float> r2, out Vector512<float> r3, out Vector512<float> r4, out Vector512<float> r5, out Vector512<float> r6, out Vector512<float> r7, out Vector512<float> r8, out Vector512<float> r9, out Vector512<float> r10, out Vector512<float> r11, out Vector512<float> r12, out Vector512<float> r13, out Vector512<float> r14, out Vector512<float> r15)
    {
        r0 = Vector512.LoadUnsafe(ref w) * x;
        r1 = Vector512.LoadUnsafe(ref w, (nuint)cols) * x;
        r2 = Vector512.LoadUnsafe(ref w, (nuint)(2 * cols)) * x;
        r3 = Vector512.LoadUnsafe(ref w, (nuint)(3 * cols)) * x;
        r4 = Vector512.LoadUnsafe(ref w, (nuint)(4 * cols)) * x;
        r5 = Vector512.LoadUnsafe(ref w, (nuint)(5 * cols)) * x;
        r6 = Vector512.LoadUnsafe(ref w, (nuint)(6 * cols)) * x;
        r7 = Vector512.LoadUnsafe(ref w, (nuint)(7 * cols)) * x;
        r8 = Vector512.LoadUnsafe(ref w, (nuint)(8 * cols)) * x;
        r9 = Vector512.LoadUnsafe(ref w, (nuint)(9 * cols)) * x;
        r10 = Vector512.LoadUnsafe(ref w, (nuint)(10 * cols)) * x;
        r11 = Vector512.LoadUnsafe(ref w, (nuint)(11 * cols)) * x;
        r12 = Vector512.LoadUnsafe(ref w, (nuint)(12 * cols)) * x;
        r13 = Vector512.LoadUnsafe(ref w, (nuint)(13 * cols)) * x;
        r14 = Vector512.LoadUnsafe(ref w, (nuint)(14 * cols)) * x;
        r15 = Vector512.LoadUnsafe(ref w, (nuint)(15 * cols)) * x;
    }

    /// <summary>
    /// Σ_k W1[u, k] x1[k] + Σ_k W2[u, k] x2[k] for 8 rows u, one accumulator per row (locals, so they stay in
    /// registers; a struct of them was not promoted and ran 3× slower). A partial last chunk
    /// of either matrix (and its vector) is masked to zero, so whatever follows it is never used. The accumulators start as the products of the
    /// first whole chunk (of W1 if it has one, else of W2) rather than as zeros: 8 fewer instructions per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Block8(ref float w1, int cols1, ref float x1, ref float w2, int cols2, ref float x2)
    {
        Vector256<float> r0, r1, r2, r3, r4, r5, r6, r7;
        int k1 = 0, k2 = 0;
        if (cols1 >= 8) { Start8(ref w1, cols1, Vector256.LoadUnsafe(ref x1), out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7); k1 = 8; }
        else if (cols2 >= 8) { Start8(ref w2, cols2, Vector256.LoadUnsafe(ref x2), out r0, out r1, out r2, out r3, out r4, out r5, out r6, out r7); k2 = 8; }
        else { r0 = default; r1 = default; r2 = default; r3 = default; r4 = default; r5 = default; r6 = default; r7 = default; }
        int k = k1;
        for (; k + 8 <= cols1; k += 8)
        {
            Vector256<float> x = Vector256.LoadUnsafe(ref x1, (nuint)k);
            ref float w = ref Unsafe.Add(ref w1, k);
            r0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w), x, r0);
            r1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)cols1), x, r1);
            r2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(2 * cols1)), x, r2);
            r3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(3 * cols1)), x, r3);
            r4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(4 * cols1)), x, r4);
            r5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(5 * cols1)), x, r5);
            r6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(6 * cols1)), x, r6);
            r7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(7 * cols1)), x, r7);
        }
        if (k < cols1)
        {
            Vector256<float> mask = Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)(cols1 - k)));
            Vector256<float> x = Vector256.LoadUnsafe(ref x1, (nuint)k) & mask;
            ref float w = ref Unsafe.Add(ref w1, k);
            r0 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w) & mask), x, r0);
            r1 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)cols1) & mask), x, r1);
            r2 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(2 * cols1)) & mask), x, r2);
            r3 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(3 * cols1)) & mask), x, r3);
            r4 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(4 * cols1)) & mask), x, r4);
            r5 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(5 * cols1)) & mask), x, r5);
            r6 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(6 * cols1)) & mask), x, r6);
            r7 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(7 * cols1)) & mask), x, r7);
        }
        for (k = k2; k + 8 <= cols2; k += 8)
        {
            Vector256<float> x = Vector256.LoadUnsafe(ref x2, (nuint)k);
            ref float w = ref Unsafe.Add(ref w2, k);
            r0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w), x, r0);
            r1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)cols2), x, r1);
            r2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(2 * cols2)), x, r2);
            r3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(3 * cols2)), x, r3);
            r4 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(4 * cols2)), x, r4);
            r5 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(5 * cols2)), x, r5);
            r6 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(6 * cols2)), x, r6);
            r7 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)(7 * cols2)), x, r7);
        }
        if (k < cols2)
        {
            Vector256<float> mask = Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)(cols2 - k)));
            Vector256<float> x = Vector256.LoadUnsafe(ref x2, (nuint)k) & mask;
            ref float w = ref Unsafe.Add(ref w2, k);
            r0 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w) & mask), x, r0);
            r1 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)cols2) & mask), x, r1);
            r2 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(2 * cols2)) & mask), x, r2);
            r3 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(3 * cols2)) & mask), x, r3);
            r4 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(4 * cols2)) & mask), x, r4);
            r5 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(5 * cols2)) & mask), x, r5);
            r6 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(6 * cols2)) & mask), x, r6);
            r7 = Fma.MultiplyAdd((Vector256.LoadUnsafe(ref w, (nuint)(7 * cols2)) & mask), x, r7);
        }
        return Reduce8(r0, r1, r2, r3, r4, r5, r6, r7);
    }

    /// <summary>r_u = W[u, 0..7] · x, lane by lane, for the 8 rows of W starting at <paramref name="w"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Start8(ref float w, int cols, Vector256<float> x, out Vector256<float> r0, out Vector256<float> r1, out Vector256<float> r2, out Vector256<float> r3, out Vector256<float> r4, out Vector256<float> r5, out Vector256<float> r6, out Vector256<float> r7)
    {
        r0 = Vector256.LoadUnsafe(ref w) * x;
        r1 = Vector256.LoadUnsafe(ref w, (nuint)cols) * x;
        r2 = Vector256.LoadUnsafe(ref w, (nuint)(2 * cols)) * x;
        r3 = Vector256.LoadUnsafe(ref w, (nuint)(3 * cols)) * x;
        r4 = Vector256.LoadUnsafe(ref w, (nuint)(4 * cols)) * x;
        r5 = Vector256.LoadUnsafe(ref w, (nuint)(5 * cols)) * x;
        r6 = Vector256.LoadUnsafe(ref w, (nuint)(6 * cols)) * x;
        r7 = Vector256.LoadUnsafe(ref w, (nuint)(7 * cols)) * x;
    }

    /// <summary>
    /// Lane u of the result = Σ lanes of r_u. The first two levels stay inside 128-bit lanes (<c>vshufps</c>: one cycle,
    /// two per cycle): pairs (r_u, r_{u+1}) and then quads leave, in every 128-bit lane of u_q, the partial sums of
    /// rows 4q…4q+3. Only the last two levels cross lanes (<c>vshuff32x4</c>, slower), on 4 vectors instead of 16:
    /// 24 in-lane and 6 cross-lane shuffles, against 6 and 24 when the cross-lane levels came first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce16(
        Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3, Vector512<float> r4, Vector512<float> r5, Vector512<float> r6, Vector512<float> r7,
        Vector512<float> r8, Vector512<float> r9, Vector512<float> r10, Vector512<float> r11, Vector512<float> r12, Vector512<float> r13, Vector512<float> r14, Vector512<float> r15)
    {
        Vector512<float> u0 = SumFloatPairs(SumFloatPairs(r0, r1), SumFloatPairs(r2, r3)), u1 = SumFloatPairs(SumFloatPairs(r4, r5), SumFloatPairs(r6, r7));
        Vector512<float> u2 = SumFloatPairs(SumFloatPairs(r8, r9), SumFloatPairs(r10, r11)), u3 = SumFloatPairs(SumFloatPairs(r12, r13), SumFloatPairs(r14, r15));
        return SumLanePairs(Reduce16Halves(u0, u1), Reduce16Halves(u2, u3));
    }

    /// <summary>
    /// In every 128-bit lane, [p0+p1, p2+p3, q0+q1, q2+q3]: Reduce16's first and second levels (pairs, then quads) and
    /// the paired-rows reduction's last.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SumFloatPairs(Vector512<float> p, Vector512<float> q) =>
        Avx512F.Shuffle(p, q, 0b10_00_10_00) + Avx512F.Shuffle(p, q, 0b11_01_11_01);

    /// <summary>Reduce16's third level: 128-bit lanes [p0+p2, p1+p3, q0+q2, q1+q3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce16Halves(Vector512<float> p, Vector512<float> q) =>
        Avx512F.Shuffle4x128(p, q, 0b01_00_01_00) + Avx512F.Shuffle4x128(p, q, 0b11_10_11_10);

    /// <summary>128-bit lanes [p0+p1, p2+p3, q0+q1, q2+q3]: Reduce16's last level and the paired-rows reduction's first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SumLanePairs(Vector512<float> p, Vector512<float> q) =>
        Avx512F.Shuffle4x128(p, q, 0b10_00_10_00) + Avx512F.Shuffle4x128(p, q, 0b11_01_11_01);

    /// <summary>Lane u of the result = Σ lanes of r_u: pairs and quads inside 128-bit lanes, then one cross-lane level.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reduce8(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7)
    {
        return Halves(Pairs(Pairs(r0, r1), Pairs(r2, r3)), Pairs(Pairs(r4, r5), Pairs(r6, r7)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<float> Pairs(Vector256<float> p, Vector256<float> q) => Avx.Shuffle(p, q, 0b10_00_10_00) + Avx.Shuffle(p, q, 0b11_01_11_01);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<float> Halves(Vector256<float> p, Vector256<float> q) => Avx.Permute2x128(p, q, 0x20) + Avx.Permute2x128(p, q, 0x31);
    }

}
