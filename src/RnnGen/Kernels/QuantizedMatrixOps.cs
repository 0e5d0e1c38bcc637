using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>
/// The portable matrix–vector products of low-precision models (<c>RNNGEN_KERNELS=portable</c>, and machines without
/// vectors): plain loops over the quantized storages, in the layouts <see cref="QuantizedLayout"/> describes. They keep
/// the vector in float32; the vector kernels quantize it to 16-bit integers (<c>RowBlocks.QuantizeInt16</c>) for int8.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class QuantizedMatrixOps
{
    /// <summary>
    /// y[r] += scales[r] · Σ_c q[firstRow + r, c] · x[c] for the y.Length rows from <paramref name="firstRow"/> of an int8
    /// matrix in column pairs from pair <paramref name="firstPair"/> of the block at <paramref name="offset"/>
    /// (<paramref name="stride"/> rows a pair); <paramref name="scales"/> starts at row <paramref name="firstRow"/>.
    /// </summary>
    public static void GemvAddInt8(ReadOnlySpan<sbyte> storage, int offset, int stride, int firstPair, int firstRow, ReadOnlySpan<float> scales, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int r = 0; r < y.Length; r++)
        {
            float sum = 0f;
            for (int c = 0; c < x.Length; c++)
                sum += storage[offset + ((firstPair + c / 2) * stride + firstRow + r) * 2 + (c & 1)] * x[c];
            y[r] += scales[r] * sum;
        }
    }

    /// <summary>
    /// y[r] += Σ_c w[firstRow + r, c] · x[c] for the y.Length rows from <paramref name="firstRow"/> of a bfloat16 matrix in
    /// lanes from lane <paramref name="firstLane"/> of the block at <paramref name="offset"/> (<paramref name="stride"/> lanes a row).
    /// </summary>
    public static void GemvAddBFloat16(ReadOnlySpan<ushort> storage, int offset, int stride, int firstLane, int firstRow, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int r = 0; r < y.Length; r++)
        {
            float sum = 0f;
            int row = offset + ((firstRow + r) * stride + firstLane) * 2;
            for (int c = 0; c < x.Length; c++)
                sum += BitConverter.UInt32BitsToSingle((uint)storage[row + (4 * (c / 8) + (c & 3)) * 2 + ((c & 7) >> 2)] << 16) * x[c];
            y[r] += sum;
        }
    }
}
