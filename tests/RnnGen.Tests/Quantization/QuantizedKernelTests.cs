using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using RnnGen.Tests.Shared;
using RnnGen.Weights;

namespace RnnGen.Tests.Quantization;

/// <summary>
/// The int8 and bfloat16 product kernels against plain scalar references over their layouts (RnnGen.QuantizedLayout),
/// for every block width, rows on and off the block grid, and column counts with partial pairs and chunks; and the
/// per-step vector preparation. Integer sums must be exact; float sums agree to rounding.
/// </summary>
public class QuantizedKernelTests
{
    private const int Rows = 40, Columns = 37;

    /// <summary>A [Rows, Columns] int8 matrix in column pairs, storage padded as the generated models pad it.</summary>
    private static (sbyte[] Storage, sbyte[,] Q) Int8Matrix(ulong seed)
    {
        var random = new TestRandom(seed);
        var q = new sbyte[Rows, Columns];
        var storage = new sbyte[((Columns + 1) / 2) * Rows * 2 + 128];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                q[r, c] = (sbyte)(random.Next(255) - 127);
                storage[((c / 2) * Rows + r) * 2 + (c & 1)] = q[r, c];
            }
        return (storage, q);
    }

    private static short[] Int16Vector(ulong seed)
    {
        var random = new TestRandom(seed);
        var a = new short[Columns + 1 + 16];
        for (int c = 0; c < Columns; c++) a[c] = (short)(random.Next(65535) - 32767);
        return a;
    }

    private static long ScalarSum(sbyte[,] q, short[] a, int row)
    {
        long sum = 0;
        for (int c = 0; c < Columns; c++) sum += q[row, c] * a[c];
        return sum;
    }

    private static void CheckInt8(int width, Func<int, sbyte[], short[], int[]> sums)
    {
        var (storage, q) = Int8Matrix(11);
        short[] a = Int16Vector(12);
        for (int row = 0; row + width <= Rows; row += 3)
        {
            int[] got = sums(row, storage, a);
            for (int u = 0; u < width; u++) Assert.Equal(ScalarSum(q, a, row + u), got[u]);
        }
    }

    [HardwareFact(Isa.Avx512)]
    public void Int8Sums16AreExact() => CheckInt8(16, (row, w, a) =>
    {
        var result = new int[16];
        RowBlocks.Int8Sums16(row, ref w[0], Rows, 0, (Columns + 1) / 2, ref a[0]).CopyTo(result);
        return result;
    });

    [HardwareFact(Isa.Avx2Fma)]
    public void Int8Sums8AreExact() => CheckInt8(8, (row, w, a) =>
    {
        var result = new int[8];
        RowBlocks.Int8Sums8(row, ref w[0], Rows, 0, (Columns + 1) / 2, ref a[0]).CopyTo(result);
        return result;
    });

    [Fact]
    public void Int8Sums4AreExact() => CheckInt8(4, (row, w, a) =>
    {
        var result = new int[4];
        RowBlocks.Int8Sums4(row, ref w[0], Rows, 0, (Columns + 1) / 2, ref a[0]).CopyTo(result);
        return result;
    });

    [Fact]
    public void Int8SumsStartAtAColumnPair()
    {
        var (storage, q) = Int8Matrix(21);
        short[] a = Int16Vector(22);
        const int first = 5;
        var got = new int[4];
        // Columns 10 … 36 only: the vector passed is the one of those columns.
        RowBlocks.Int8Sums4(8, ref storage[0], Rows, first, (Columns + 1) / 2 - first, ref a[2 * first]).CopyTo(got);
        for (int u = 0; u < 4; u++)
        {
            long want = 0;
            for (int c = 2 * first; c < Columns; c++) want += q[8 + u, c] * a[c];
            Assert.Equal(want, got[u]);
        }
    }

    [Fact]
    public void QuantizeInt16RoundsToTheLimitAndCompletesThePair()
    {
        float[] x = [0.5f, -1f, 0.25f, 0.3333f, 0f, -0.75f, 1f / 3, 0.1f, 0.9f, -0.6f, 0.2f, 0.05f, -0.05f, 0.8f, -0.3f, 0.4f, 0.7f];
        var q = new short[x.Length + 1 + 8];
        Array.Fill(q, (short)99);
        float scale = RowBlocks.QuantizeInt16(ref x[0], x.Length, ref q[0], 1000);
        Assert.Equal(1f / 1000, scale, 1e-9f);
        for (int i = 0; i < x.Length; i++) Assert.Equal((short)MathF.Round(x[i] * 1000), q[i]);
        Assert.Equal(0, q[x.Length]); // the odd count's last pair is completed with a zero
        Assert.Equal(99, q[x.Length + 1]);
    }

    [Fact]
    public void QuantizeInt16OfZerosAndNonFiniteVectors()
    {
        var q = new short[8];
        Array.Fill(q, (short)7);
        var zeros = new float[5];
        Assert.Equal(0f, RowBlocks.QuantizeInt16(ref zeros[0], 5, ref q[0], 32767));
        Assert.All(q.AsSpan(0, 6).ToArray(), v => Assert.Equal(0, v));
        float[] bad = [1f, float.NaN, 2f];
        Assert.True(float.IsNaN(RowBlocks.QuantizeInt16(ref bad[0], 3, ref q[0], 32767)));
        float[] infinite = [1f, float.PositiveInfinity];
        Assert.True(float.IsNaN(RowBlocks.QuantizeInt16(ref infinite[0], 2, ref q[0], 32767)));
    }

    [Fact]
    public void Int16LimitKeepsEveryRowSumInside32Bits()
    {
        foreach (int columns in new[] { 1, 16, 144, 516, 517, 1024, 65536 })
        {
            int limit = RowBlocks.Int16Limit(columns);
            Assert.InRange(limit, 1, 32767);
            Assert.True(127L * limit * columns <= int.MaxValue, $"{columns} columns at limit {limit}");
        }
        Assert.Equal(32767, RowBlocks.Int16Limit(144));
    }

    /// <summary>A [Rows, Columns] bfloat16 matrix in lanes (a row of ⌈C/8⌉·4 lanes), as floats and as storage.</summary>
    private static (ushort[] Storage, float[,] W, int Stride) BFloat16Matrix(ulong seed)
    {
        var random = new TestRandom(seed);
        int stride = (Columns + 7) / 8 * 4;
        var w = new float[Rows, Columns];
        var storage = new ushort[Rows * stride * 2 + 2 * (16 * stride + 32)];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                ushort bits = WeightQuantization.ToBFloat16((float)random.Jitter(1));
                w[r, c] = WeightQuantization.FromBFloat16(bits);
                storage[(r * stride + 4 * (c / 8) + (c & 3)) * 2 + ((c & 7) >> 2)] = bits;
            }
        return (storage, w, stride);
    }

    private static void CheckBFloat16(int width, Func<int, ushort[], int, float[], float[], float[]> rows)
    {
        var (storage, w, stride) = BFloat16Matrix(31);
        var random = new TestRandom(32);
        var x = new float[Columns];
        for (int c = 0; c < Columns; c++) x[c] = (float)random.Jitter(2);
        var lo = new float[stride + 16];
        var hi = new float[stride + 16];
        Array.Fill(lo, float.NaN); // lanes past the vector are never multiplied
        Array.Fill(hi, float.NaN);
        RowBlocks.SplitBFloat16Lanes(ref x[0], Columns, ref lo[0], ref hi[0]);
        for (int k = stride; k < lo.Length; k++) lo[k] = hi[k] = 0f;
        for (int row = 0; row + width <= Rows; row += 5)
        {
            float[] got = rows(row, storage, stride, lo, hi);
            for (int u = 0; u < width; u++)
            {
                double want = 0;
                for (int c = 0; c < Columns; c++) want += (double)w[row + u, c] * x[c];
                Assert.Equal(want, got[u], 1e-4);
            }
        }
    }

    [HardwareFact(Isa.Avx512)]
    public void BFloat16Rows16MatchTheScalarProduct() => CheckBFloat16(16, (row, w, stride, lo, hi) =>
    {
        var result = new float[16];
        RowBlocks.BFloat16Rows16(row, ref w[0], stride, 0, stride, ref lo[0], ref hi[0]).CopyTo(result);
        return result;
    });

    [HardwareFact(Isa.Avx2Fma)]
    public void BFloat16Rows8MatchTheScalarProduct() => CheckBFloat16(8, (row, w, stride, lo, hi) =>
    {
        var result = new float[8];
        RowBlocks.BFloat16Rows8(row, ref w[0], stride, 0, stride, ref lo[0], ref hi[0]).CopyTo(result);
        return result;
    });

    [Fact]
    public void BFloat16Rows4MatchTheScalarProduct() => CheckBFloat16(4, (row, w, stride, lo, hi) =>
    {
        var result = new float[4];
        RowBlocks.BFloat16Rows4(row, ref w[0], stride, 0, stride, ref lo[0], ref hi[0]).CopyTo(result);
        return result;
    });

    [Fact]
    public void SplitBFloat16LanesPairsEachHalfOfEightAndPadsWithZeros()
    {
        float[] x = Enumerable.Range(1, 11).Select(i => (float)i).ToArray();
        var lo = new float[8];
        var hi = new float[8];
        Array.Fill(lo, -1f);
        Array.Fill(hi, -1f);
        RowBlocks.SplitBFloat16Lanes(ref x[0], x.Length, ref lo[0], ref hi[0]);
        Assert.Equal([1f, 2, 3, 4, 9, 10, 11, 0], lo);
        Assert.Equal([5f, 6, 7, 8, 0, 0, 0, 0], hi);
    }

    [Fact]
    public void PortableProductsMatchTheScalarReferences()
    {
        var (storage, q) = Int8Matrix(41);
        var random = new TestRandom(42);
        var x = new float[Columns];
        for (int c = 0; c < Columns; c++) x[c] = (float)random.Jitter(1);
        var scales = new float[Rows];
        for (int r = 0; r < Rows; r++) scales[r] = (float)random.Between(0.001, 0.01);
        var y = new float[Rows - 3];
        QuantizedMatrixOps.GemvAddInt8(storage, 0, Rows, 0, 3, scales.AsSpan(3), x, y);
        for (int r = 0; r < y.Length; r++)
        {
            double want = 0;
            for (int c = 0; c < Columns; c++) want += q[r + 3, c] * (double)x[c];
            Assert.Equal(scales[r + 3] * want, y[r], 1e-5);
        }

        var (bits, w, stride) = BFloat16Matrix(43);
        var z = new float[Rows];
        QuantizedMatrixOps.GemvAddBFloat16(bits, 0, stride, 0, 0, x, z);
        for (int r = 0; r < Rows; r++)
        {
            double want = 0;
            for (int c = 0; c < Columns; c++) want += w[r, c] * (double)x[c];
            Assert.Equal(want, z[r], 1e-5);
        }
    }

    [Fact]
    public void TheVector128PairProductIsPmaddwd()
    {
        // Lane i = a[2i]·b[2i] + a[2i+1]·b[2i+1] in 32 bits, with the extremes int8 × int16 can reach.
        var (storage, _) = Int8Matrix(51);
        storage[0] = -127;
        storage[1] = 127;
        short[] a = new short[40];
        a[0] = 32767;
        a[1] = -32767;
        var got = new int[4];
        RowBlocks.Int8Sums4(0, ref storage[0], Rows, 0, 1, ref a[0]).CopyTo(got);
        Assert.Equal(-127 * 32767 + 127 * -32767, got[0]);
    }
}
