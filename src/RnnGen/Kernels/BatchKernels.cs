using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Kernels of the generated models' batched (lanes) path. Entities sit in lanes: a block is 16 entities, and a
/// block's vector k holds value k of each of its 16 entities ("entity-minor"), so one <see cref="Vector512{T}"/> FMA
/// serves 16 entities with one broadcast weight. The products are register-blocked (4 weight rows × 4 blocks = 16
/// accumulators over one weight load each), which turns a batch's matrix–vector products into one compute-bound
/// matrix–matrix product.
/// </summary>
/// <remarks>
/// Every lane of a result is computed by the same sequence of operations whichever tile computes it (the sum starts
/// from its initial value and adds the products column by column, source 1 then source 2, one FMA each), so an
/// entity's numbers do not depend on the batch size, the block it sits in or how the batch is split over threads.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchKernels
{
    /// <summary>Entities per block: the lanes of one <see cref="Vector512{T}"/>.</summary>
    public const int Lanes = 16;

    /// <summary>How a product's sums start.</summary>
    public enum Start
    {
        /// <summary>From zero.</summary>
        Zero,
        /// <summary>From <c>bias1[r]</c>.</summary>
        Bias,
        /// <summary>From <c>bias1[r] + bias2[r]</c> (the input and recurrent biases of a gate).</summary>
        TwoBiases,
        /// <summary>From the output's current value (accumulate).</summary>
        Output,
    }

    /// <summary>
    /// For rows r in [0, rows) and blocks b in [0, blocks):
    /// <c>out[r, b] = start + Σ_c W1[r, c] X1[b, c] + Σ_c W2[r, c] X2[b, c]</c>, each term a vector of 16 lanes.
    /// Row r of W_s starts at <c>w_s + r·wStride_s</c> and has <c>cols_s</c> columns (0: the source is absent); column c
    /// of block b of X_s is the vector at <c>x_s + b·xBlock_s + 16·c</c>; <c>out[r, b]</c> is at
    /// <c>output + r·outRow + b·outBlock</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Products(
        ref float w1, int wStride1, int cols1, ref float x1, int xBlock1,
        ref float w2, int wStride2, int cols2, ref float x2, int xBlock2,
        Start start, ref float bias1, ref float bias2,
        int rows, int blocks, ref float output, int outRow, int outBlock)
    {
        // Four blocks at a time: 4 rows × 4 blocks, each weight broadcast serves 64 entities. Leftover blocks one at a
        // time, 8 rows deep so that 8 independent sums still cover the FMA latency.
        int b = 0;
        for (; b + 4 <= blocks; b += 4)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
                Tile4x4(ref w1, wStride1, cols1, ref x1, xBlock1, ref w2, wStride2, cols2, ref x2, xBlock2, start, ref bias1, ref bias2, r, b, ref output, outRow, outBlock);
            for (; r < rows; r++)
                for (int k = 0; k < 4; k++)
                    Tile1x1(ref w1, wStride1, cols1, ref x1, xBlock1, ref w2, wStride2, cols2, ref x2, xBlock2, start, ref bias1, ref bias2, r, b + k, ref output, outRow, outBlock);
        }
        for (; b < blocks; b++)
        {
            int r = 0;
            for (; r + 8 <= rows; r += 8)
                Tile8x1(ref w1, wStride1, cols1, ref x1, xBlock1, ref w2, wStride2, cols2, ref x2, xBlock2, start, ref bias1, ref bias2, r, b, ref output, outRow, outBlock);
            for (; r < rows; r++)
                Tile1x1(ref w1, wStride1, cols1, ref x1, xBlock1, ref w2, wStride2, cols2, ref x2, xBlock2, start, ref bias1, ref bias2, r, b, ref output, outRow, outBlock);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Initial(Start start, ref float bias1, ref float bias2, int r, ref float output, int offset) => start switch
    {
        Start.Bias => Vector512.Create(Unsafe.Add(ref bias1, r)),
        Start.TwoBiases => Vector512.Create(Unsafe.Add(ref bias1, r) + Unsafe.Add(ref bias2, r)),
        Start.Output => Vector512.LoadUnsafe(ref output, (nuint)offset),
        _ => Vector512<float>.Zero,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // Without AVX-512 the lanes path is never taken (generated batches run per entity); the fallback keeps the
    // kernels callable (and testable) there, unfused.
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;

    private static void Tile4x4(
        ref float w1, int wStride1, int cols1, ref float x1, int xBlock1,
        ref float w2, int wStride2, int cols2, ref float x2, int xBlock2,
        Start start, ref float bias1, ref float bias2, int r, int b, ref float output, int outRow, int outBlock)
    {
        int o = r * outRow + b * outBlock;
        Vector512<float> a00 = Initial(start, ref bias1, ref bias2, r, ref output, o), a01 = Initial(start, ref bias1, ref bias2, r, ref output, o + outBlock);
        Vector512<float> a02 = Initial(start, ref bias1, ref bias2, r, ref output, o + 2 * outBlock), a03 = Initial(start, ref bias1, ref bias2, r, ref output, o + 3 * outBlock);
        Vector512<float> a10 = Initial(start, ref bias1, ref bias2, r + 1, ref output, o + outRow), a11 = Initial(start, ref bias1, ref bias2, r + 1, ref output, o + outRow + outBlock);
        Vector512<float> a12 = Initial(start, ref bias1, ref bias2, r + 1, ref output, o + outRow + 2 * outBlock), a13 = Initial(start, ref bias1, ref bias2, r + 1, ref output, o + outRow + 3 * outBlock);
        Vector512<float> a20 = Initial(start, ref bias1, ref bias2, r + 2, ref output, o + 2 * outRow), a21 = Initial(start, ref bias1, ref bias2, r + 2, ref output, o + 2 * outRow + outBlock);
        Vector512<float> a22 = Initial(start, ref bias1, ref bias2, r + 2, ref output, o + 2 * outRow + 2 * outBlock), a23 = Initial(start, ref bias1, ref bias2, r + 2, ref output, o + 2 * outRow + 3 * outBlock);
        Vector512<float> a30 = Initial(start, ref bias1, ref bias2, r + 3, ref output, o + 3 * outRow), a31 = Initial(start, ref bias1, ref bias2, r + 3, ref output, o + 3 * outRow + outBlock);
        Vector512<float> a32 = Initial(start, ref bias1, ref bias2, r + 3, ref output, o + 3 * outRow + 2 * outBlock), a33 = Initial(start, ref bias1, ref bias2, r + 3, ref output, o + 3 * outRow + 3 * outBlock);
        for (int source = 0; source < 2; source++)
        {
            int cols = source == 0 ? cols1 : cols2, wStride = source == 0 ? wStride1 : wStride2, xBlock = source == 0 ? xBlock1 : xBlock2;
            ref float w0 = ref Unsafe.Add(ref source == 0 ? ref w1 : ref w2, r * wStride);
            ref float wr1 = ref Unsafe.Add(ref w0, wStride);
            ref float wr2 = ref Unsafe.Add(ref w0, 2 * wStride);
            ref float wr3 = ref Unsafe.Add(ref w0, 3 * wStride);
            ref float xb0 = ref Unsafe.Add(ref source == 0 ? ref x1 : ref x2, b * xBlock);
            ref float xb1 = ref Unsafe.Add(ref xb0, xBlock);
            ref float xb2 = ref Unsafe.Add(ref xb0, 2 * xBlock);
            ref float xb3 = ref Unsafe.Add(ref xb0, 3 * xBlock);
            for (int c = 0; c < cols; c++)
            {
                nuint lane = (nuint)(c * Lanes);
                Vector512<float> v0 = Vector512.LoadUnsafe(ref xb0, lane), v1 = Vector512.LoadUnsafe(ref xb1, lane);
                Vector512<float> v2 = Vector512.LoadUnsafe(ref xb2, lane), v3 = Vector512.LoadUnsafe(ref xb3, lane);
                Vector512<float> s = Vector512.Create(Unsafe.Add(ref w0, c));
                a00 = Fma(s, v0, a00); a01 = Fma(s, v1, a01); a02 = Fma(s, v2, a02); a03 = Fma(s, v3, a03);
                s = Vector512.Create(Unsafe.Add(ref wr1, c));
                a10 = Fma(s, v0, a10); a11 = Fma(s, v1, a11); a12 = Fma(s, v2, a12); a13 = Fma(s, v3, a13);
                s = Vector512.Create(Unsafe.Add(ref wr2, c));
                a20 = Fma(s, v0, a20); a21 = Fma(s, v1, a21); a22 = Fma(s, v2, a22); a23 = Fma(s, v3, a23);
                s = Vector512.Create(Unsafe.Add(ref wr3, c));
                a30 = Fma(s, v0, a30); a31 = Fma(s, v1, a31); a32 = Fma(s, v2, a32); a33 = Fma(s, v3, a33);
            }
        }
        ref float out0 = ref Unsafe.Add(ref output, o);
        a00.StoreUnsafe(ref out0); a01.StoreUnsafe(ref out0, (nuint)outBlock); a02.StoreUnsafe(ref out0, (nuint)(2 * outBlock)); a03.StoreUnsafe(ref out0, (nuint)(3 * outBlock));
        ref float out1 = ref Unsafe.Add(ref out0, outRow);
        a10.StoreUnsafe(ref out1); a11.StoreUnsafe(ref out1, (nuint)outBlock); a12.StoreUnsafe(ref out1, (nuint)(2 * outBlock)); a13.StoreUnsafe(ref out1, (nuint)(3 * outBlock));
        ref float out2 = ref Unsafe.Add(ref out0, 2 * outRow);
        a20.StoreUnsafe(ref out2); a21.StoreUnsafe(ref out2, (nuint)outBlock); a22.StoreUnsafe(ref out2, (nuint)(2 * outBlock)); a23.StoreUnsafe(ref out2, (nuint)(3 * outBlock));
        ref float out3 = ref Unsafe.Add(ref out0, 3 * outRow);
        a30.StoreUnsafe(ref out3); a31.StoreUnsafe(ref out3, (nuint)outBlock); a32.StoreUnsafe(ref out3, (nuint)(2 * outBlock)); a33.StoreUnsafe(ref out3, (nuint)(3 * outBlock));
    }

    private static void Tile8x1(
        ref float w1, int wStride1, int cols1, ref float x1, int xBlock1,
        ref float w2, int wStride2, int cols2, ref float x2, int xBlock2,
        Start start, ref float bias1, ref float bias2, int r, int b, ref float output, int outRow, int outBlock)
    {
        int o = r * outRow + b * outBlock;
        Vector512<float> a0 = Initial(start, ref bias1, ref bias2, r, ref output, o), a1 = Initial(start, ref bias1, ref bias2, r + 1, ref output, o + outRow);
        Vector512<float> a2 = Initial(start, ref bias1, ref bias2, r + 2, ref output, o + 2 * outRow), a3 = Initial(start, ref bias1, ref bias2, r + 3, ref output, o + 3 * outRow);
        Vector512<float> a4 = Initial(start, ref bias1, ref bias2, r + 4, ref output, o + 4 * outRow), a5 = Initial(start, ref bias1, ref bias2, r + 5, ref output, o + 5 * outRow);
        Vector512<float> a6 = Initial(start, ref bias1, ref bias2, r + 6, ref output, o + 6 * outRow), a7 = Initial(start, ref bias1, ref bias2, r + 7, ref output, o + 7 * outRow);
        for (int source = 0; source < 2; source++)
        {
            int cols = source == 0 ? cols1 : cols2, wStride = source == 0 ? wStride1 : wStride2, xBlock = source == 0 ? xBlock1 : xBlock2;
            ref float w0 = ref Unsafe.Add(ref source == 0 ? ref w1 : ref w2, r * wStride);
            ref float xb = ref Unsafe.Add(ref source == 0 ? ref x1 : ref x2, b * xBlock);
            for (int c = 0; c < cols; c++)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref xb, (nuint)(c * Lanes));
                ref float wc = ref Unsafe.Add(ref w0, c);
                a0 = Fma(Vector512.Create(wc), v, a0);
                a1 = Fma(Vector512.Create(Unsafe.Add(ref wc, wStride)), v, a1);
                a2 = Fma(Vector512.Create(Unsafe.Add(ref wc, 2 * wStride)), v, a2);
                a3 = Fma(Vector512.Create(Unsafe.Add(ref wc, 3 * wStride)), v, a3);
                a4 = Fma(Vector512.Create(Unsafe.Add(ref wc, 4 * wStride)), v, a4);
                a5 = Fma(Vector512.Create(Unsafe.Add(ref wc, 5 * wStride)), v, a5);
                a6 = Fma(Vector512.Create(Unsafe.Add(ref wc, 6 * wStride)), v, a6);
                a7 = Fma(Vector512.Create(Unsafe.Add(ref wc, 7 * wStride)), v, a7);
            }
        }
        ref float out0 = ref Unsafe.Add(ref output, o);
        a0.StoreUnsafe(ref out0);
        a1.StoreUnsafe(ref out0, (nuint)outRow);
        a2.StoreUnsafe(ref out0, (nuint)(2 * outRow));
        a3.StoreUnsafe(ref out0, (nuint)(3 * outRow));
        a4.StoreUnsafe(ref out0, (nuint)(4 * outRow));
        a5.StoreUnsafe(ref out0, (nuint)(5 * outRow));
        a6.StoreUnsafe(ref out0, (nuint)(6 * outRow));
        a7.StoreUnsafe(ref out0, (nuint)(7 * outRow));
    }

    private static void Tile1x1(
        ref float w1, int wStride1, int cols1, ref float x1, int xBlock1,
        ref float w2, int wStride2, int cols2, ref float x2, int xBlock2,
        Start start, ref float bias1, ref float bias2, int r, int b, ref float output, int outRow, int outBlock)
    {
        int o = r * outRow + b * outBlock;
        Vector512<float> a = Initial(start, ref bias1, ref bias2, r, ref output, o);
        for (int source = 0; source < 2; source++)
        {
            int cols = source == 0 ? cols1 : cols2, wStride = source == 0 ? wStride1 : wStride2, xBlock = source == 0 ? xBlock1 : xBlock2;
            ref float w = ref Unsafe.Add(ref source == 0 ? ref w1 : ref w2, r * wStride);
            ref float xb = ref Unsafe.Add(ref source == 0 ? ref x1 : ref x2, b * xBlock);
            for (int c = 0; c < cols; c++)
                a = Fma(Vector512.Create(Unsafe.Add(ref w, c)), Vector512.LoadUnsafe(ref xb, (nuint)(c * Lanes)), a);
        }
        a.StoreUnsafe(ref Unsafe.Add(ref output, o));
    }

    /// <summary>
    /// Weight gradients as one matrix–matrix product over a batch of sequences:
    /// <c>grad[r, c] += Σ_b Σ_t Σ_lanes A[b, t, r] · X[b, t, c]</c> for rows r in [0, rows) and columns c in [0, cols).
    /// Vector A[b, t, r] is at <c>a + b·aBlock + t·aStep + 16·r</c>, X[b, t, c] at <c>x + b·xBlock + t·xStep + 16·c</c>,
    /// grad[r, c] at <c>grad + r·gradRow + c</c>. Each element is summed in the same order (blocks, then steps, then a
    /// fixed tree over the lanes), whoever computes it. Lanes of absent entities must hold zero in A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterAccumulate(ref float grad, int gradRow, int rows, int cols,
        ref float a, int aStep, int aBlock, ref float x, int xStep, int xBlock, int steps, int blocks)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            int c = 0;
            for (; c + 4 <= cols; c += 4)
                Outer4x4(ref grad, gradRow, ref a, aStep, aBlock, ref x, xStep, xBlock, steps, blocks, r, c);
            for (; c < cols; c++)
                for (int k = 0; k < 4; k++)
                    Outer1x1(ref grad, gradRow, ref a, aStep, aBlock, ref x, xStep, xBlock, steps, blocks, r + k, c);
        }
        for (; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Outer1x1(ref grad, gradRow, ref a, aStep, aBlock, ref x, xStep, xBlock, steps, blocks, r, c);
    }

    private static void Outer4x4(ref float grad, int gradRow, ref float a, int aStep, int aBlock, ref float x, int xStep, int xBlock, int steps, int blocks, int r, int c)
    {
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        for (int b = 0; b < blocks; b++)
        {
            ref float ab = ref Unsafe.Add(ref a, b * aBlock + r * Lanes);
            ref float xb = ref Unsafe.Add(ref x, b * xBlock + c * Lanes);
            for (int t = 0; t < steps; t++)
            {
                ref float at = ref Unsafe.Add(ref ab, t * aStep);
                ref float xt = ref Unsafe.Add(ref xb, t * xStep);
                Vector512<float> x0 = Vector512.LoadUnsafe(ref xt), x1 = Vector512.LoadUnsafe(ref xt, Lanes), x2 = Vector512.LoadUnsafe(ref xt, 2 * Lanes), x3 = Vector512.LoadUnsafe(ref xt, 3 * Lanes);
                Vector512<float> v = Vector512.LoadUnsafe(ref at);
                s00 = Fma(v, x0, s00); s01 = Fma(v, x1, s01); s02 = Fma(v, x2, s02); s03 = Fma(v, x3, s03);
                v = Vector512.LoadUnsafe(ref at, Lanes);
                s10 = Fma(v, x0, s10); s11 = Fma(v, x1, s11); s12 = Fma(v, x2, s12); s13 = Fma(v, x3, s13);
                v = Vector512.LoadUnsafe(ref at, 2 * Lanes);
                s20 = Fma(v, x0, s20); s21 = Fma(v, x1, s21); s22 = Fma(v, x2, s22); s23 = Fma(v, x3, s23);
                v = Vector512.LoadUnsafe(ref at, 3 * Lanes);
                s30 = Fma(v, x0, s30); s31 = Fma(v, x1, s31); s32 = Fma(v, x2, s32); s33 = Fma(v, x3, s33);
            }
        }
        ref float g0 = ref Unsafe.Add(ref grad, r * gradRow + c);
        g0 += Vector512.Sum(s00); Unsafe.Add(ref g0, 1) += Vector512.Sum(s01); Unsafe.Add(ref g0, 2) += Vector512.Sum(s02); Unsafe.Add(ref g0, 3) += Vector512.Sum(s03);
        ref float g1 = ref Unsafe.Add(ref g0, gradRow);
        g1 += Vector512.Sum(s10); Unsafe.Add(ref g1, 1) += Vector512.Sum(s11); Unsafe.Add(ref g1, 2) += Vector512.Sum(s12); Unsafe.Add(ref g1, 3) += Vector512.Sum(s13);
        ref float g2 = ref Unsafe.Add(ref g0, 2 * gradRow);
        g2 += Vector512.Sum(s20); Unsafe.Add(ref g2, 1) += Vector512.Sum(s21); Unsafe.Add(ref g2, 2) += Vector512.Sum(s22); Unsafe.Add(ref g2, 3) += Vector512.Sum(s23);
        ref float g3 = ref Unsafe.Add(ref g0, 3 * gradRow);
        g3 += Vector512.Sum(s30); Unsafe.Add(ref g3, 1) += Vector512.Sum(s31); Unsafe.Add(ref g3, 2) += Vector512.Sum(s32); Unsafe.Add(ref g3, 3) += Vector512.Sum(s33);
    }

    private static void Outer1x1(ref float grad, int gradRow, ref float a, int aStep, int aBlock, ref float x, int xStep, int xBlock, int steps, int blocks, int r, int c)
    {
        Vector512<float> s = default;
        for (int b = 0; b < blocks; b++)
            for (int t = 0; t < steps; t++)
                s = Fma(Vector512.LoadUnsafe(ref a, (nuint)(b * aBlock + t * aStep + r * Lanes)), Vector512.LoadUnsafe(ref x, (nuint)(b * xBlock + t * xStep + c * Lanes)), s);
        Unsafe.Add(ref grad, r * gradRow + c) += Vector512.Sum(s);
    }

    /// <summary>Bias gradients: <c>grad[r] += Σ_b Σ_t Σ_lanes A[b, t, r]</c>, A laid out as in <see cref="OuterAccumulate"/>.</summary>
    public static void SumAccumulate(ref float grad, int rows, ref float a, int aStep, int aBlock, int steps, int blocks)
    {
        for (int r = 0; r < rows; r++)
        {
            Vector512<float> s = default;
            for (int b = 0; b < blocks; b++)
            {
                ref float ab = ref Unsafe.Add(ref a, b * aBlock + r * Lanes);
                for (int t = 0; t < steps; t++)
                    s += Vector512.LoadUnsafe(ref ab, (nuint)(t * aStep));
            }
            Unsafe.Add(ref grad, r) += Vector512.Sum(s);
        }
    }

    /// <summary><c>destination[c, r] = source[r, c]</c> for a row-major [rows, cols] source.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        if (source.Length < rows * cols || destination.Length < rows * cols)
            throw new ArgumentException($"Both matrices need {rows * cols} floats; the source has {source.Length} and the destination {destination.Length}.");
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                destination[c * rows + r] = source[r * cols + c];
    }

    /// <summary>
    /// Entity rows to lanes: <c>lanes[b·laneBlock + 16·k + lane] = rows[(16·b + lane)·rowStride + k]</c> for k in
    /// [0, width) and every lane of <paramref name="blocks"/> blocks; lanes past <paramref name="entities"/> get zero.
    /// </summary>
    public static void RowsToLanes(ReadOnlySpan<float> rows, int rowStride, int entities, int width, int blocks, Span<float> lanes, int laneBlock)
    {
        for (int b = 0; b < blocks; b++)
        {
            Span<float> block = lanes.Slice(b * laneBlock, width * Lanes);
            int present = Math.Clamp(entities - b * Lanes, 0, Lanes);
            if (present < Lanes) block.Clear();
            for (int lane = 0; lane < present; lane++)
            {
                ReadOnlySpan<float> row = rows.Slice((b * Lanes + lane) * rowStride, width);
                for (int k = 0; k < width; k++) block[k * Lanes + lane] = row[k];
            }
        }
    }

    /// <summary>
    /// Token rows to lanes: entity e's value k is <c>table[tokens[e·tokenStride]·width + k]</c>, laid out as
    /// <see cref="RowsToLanes"/> does; lanes past <paramref name="entities"/> get zero.
    /// </summary>
    public static void TokensToLanes(ReadOnlySpan<int> tokens, int tokenStride, int entities, ReadOnlySpan<float> table, int width, int blocks, Span<float> lanes, int laneBlock)
    {
        for (int b = 0; b < blocks; b++)
        {
            Span<float> block = lanes.Slice(b * laneBlock, width * Lanes);
            int present = Math.Clamp(entities - b * Lanes, 0, Lanes);
            if (present < Lanes) block.Clear();
            for (int lane = 0; lane < present; lane++)
            {
                ReadOnlySpan<float> row = table.Slice(tokens[(b * Lanes + lane) * tokenStride] * width, width);
                for (int k = 0; k < width; k++) block[k * Lanes + lane] = row[k];
            }
        }
    }

    /// <summary>Lanes to entity rows, the inverse of <see cref="RowsToLanes"/> for the first <paramref name="entities"/> entities.</summary>
    public static void LanesToRows(ReadOnlySpan<float> lanes, int laneBlock, int entities, int width, Span<float> rows, int rowStride)
    {
        for (int e = 0; e < entities; e++)
        {
            ReadOnlySpan<float> block = lanes.Slice((e / Lanes) * laneBlock, width * Lanes);
            Span<float> row = rows.Slice(e * rowStride, width);
            int lane = e % Lanes;
            for (int k = 0; k < width; k++) row[k] = block[k * Lanes + lane];
        }
    }

    /// <summary>
    /// Slot <paramref name="slot"/> of block <paramref name="block"/> of a lane array laid out as [block][slots][length][16]:
    /// the float at <c>((block·slots + slot)·length)·16</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Slot(float[] lanes, int block, int slot, int slots, int length) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(lanes), (block * slots + slot) * length * Lanes);

    /// <summary>The rest of the lane array from <see cref="Slot"/>'s position.</summary>
    public static Span<float> SlotSpan(float[] lanes, int block, int slot, int slots, int length) =>
        lanes.AsSpan((block * slots + slot) * length * Lanes);

    /// <summary>The 16 lanes of vector <paramref name="index"/> from <paramref name="origin"/> (at 16·index floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Lane(ref float origin, int index) => Vector512.LoadUnsafe(ref origin, (nuint)(index * Lanes));

    /// <summary>Stores <paramref name="value"/> as vector <paramref name="index"/> from <paramref name="origin"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float origin, int index) => value.StoreUnsafe(ref origin, (nuint)(index * Lanes));
}
