using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Kernels;
using RnnGen.Tests.Shared;

namespace RnnGen.Tests.Kernels;

/// <summary>
/// The row-block kernels against double-precision references: the stated maximum errors of the vector activations
/// (which replace <c>TensorPrimitives</c> in the row-block cells) and the blocked dot products, partial chunks included.
/// On a machine without AVX-512 (or AVX2 + FMA) the checks that need it are reported Skipped.
/// </summary>
public class RowBlocksTests
{
    // Stated maximum errors (docs/PERFORMANCE.md), about one float ulp; measured worst: e^x 7.2e-8 relative, σ 8.9e-8 and
    // tanh 8.2e-8 absolute, tanh 2.9e-7 relative (near |x| = 1/4, where the exp form starts).
    private const double ExpRelative = 1.2e-7, SigmoidAbsolute = 1.2e-7, TanhAbsolute = 1.2e-7, TanhRelative = 4e-7;

    /// <summary>Every 1/4096 on [−20, 20], the whole range in which float σ and tanh are not yet saturated, plus tiny and extreme inputs.</summary>
    private static IEnumerable<float> Grid()
    {
        for (int i = -20 * 4096; i <= 20 * 4096; i++) yield return i / 4096f;
        foreach (float x in new[] { 1e-30f, -1e-30f, 1e-7f, -3e-6f, 0.2499999f, 0.25f, -0.25f, 80f, -80f, 87f, -87f, 100f, -100f, 1e30f, -1e30f })
            yield return x;
    }

    private static void ForEachBatch(Action<float[]> check)
    {
        var batch = new List<float>(16);
        foreach (float x in Grid())
        {
            batch.Add(x);
            if (batch.Count == 16) { check(batch.ToArray()); batch.Clear(); }
        }
        while (batch.Count is > 0 and < 16) batch.Add(0f);
        if (batch.Count == 16) check(batch.ToArray());
    }

    [HardwareFact(Isa.Avx512)]
    public void ActivationsStayWithinTheirStatedErrors()
    {
        double expWorst = 0, sigmoidWorst = 0, tanhWorst = 0;
        ForEachBatch(xs =>
        {
            var v512 = Vector512.Create(xs);
            var v256 = Vector256.Create(xs.AsSpan(0, 8));
            float[] exp = new float[16], sigmoid = new float[16], tanh = new float[16], tanh256 = new float[8], sigmoid256 = new float[8];
            RowBlocks.Exp(v512).CopyTo(exp);
            RowBlocks.Sigmoid(v512).CopyTo(sigmoid);
            RowBlocks.Tanh(v512).CopyTo(tanh);
            RowBlocks.Tanh(v256).CopyTo(tanh256);
            RowBlocks.Sigmoid(v256).CopyTo(sigmoid256);
            for (int i = 0; i < 16; i++)
            {
                double x = xs[i];
                if (x is >= -87 and <= 88)
                    expWorst = Math.Max(expWorst, Math.Abs(exp[i] - Math.Exp(x)) / Math.Exp(x));
                double s = 1 / (1 + Math.Exp(-x)), t = Math.Tanh(x);
                sigmoidWorst = Math.Max(sigmoidWorst, Math.Abs(sigmoid[i] - s));
                double tanhError = Math.Abs(tanh[i] - t);
                tanhWorst = Math.Max(tanhWorst, tanhError);
                Assert.True(tanhError <= TanhAbsolute && tanhError <= TanhRelative * Math.Abs(t) + 1e-45, $"tanh({x}) = {tanh[i]}, want {t}");
                if (i < 8)
                {
                    Assert.Equal(tanh[i], tanh256[i]);
                    Assert.Equal(sigmoid[i], sigmoid256[i]);
                }
            }
        });
        Assert.True(expWorst <= ExpRelative, $"exp: worst relative error {expWorst:E3}");
        Assert.True(sigmoidWorst <= SigmoidAbsolute, $"sigmoid: worst absolute error {sigmoidWorst:E3}");
        Assert.True(tanhWorst <= TanhAbsolute, $"tanh: worst absolute error {tanhWorst:E3}");
    }

    // Stated maximum errors of the Fast activations (docs/PERFORMANCE.md, ActivationPrecision.Fast); measured worst on
    // this grid: tanh 2.6e-7 absolute (near |x| = 4.2) and 3.0e-7 relative, σ 1.5e-7 absolute.
    private const double FastTanhAbsolute = 3e-7, FastTanhRelative = 4e-7, FastSigmoidAbsolute = 2e-7;

    [HardwareFact(Isa.Avx512)]
    public void FastActivationsStayWithinTheirStatedErrors()
    {
        double tanhWorst = 0, tanhRelativeWorst = 0, sigmoidWorst = 0;
        ForEachBatch(xs =>
        {
            var v512 = Vector512.Create(xs);
            var v256 = Vector256.Create(xs.AsSpan(0, 8));
            float[] tanh = new float[16], sigmoid = new float[16], tanh256 = new float[8], sigmoid256 = new float[8];
            RowBlocks.FastTanh(v512).CopyTo(tanh);
            RowBlocks.FastSigmoid(v512).CopyTo(sigmoid);
            RowBlocks.FastTanh(v256).CopyTo(tanh256);
            RowBlocks.FastSigmoid(v256).CopyTo(sigmoid256);
            for (int i = 0; i < 16; i++)
            {
                double x = xs[i], t = Math.Tanh(x), error = Math.Abs(tanh[i] - t);
                tanhWorst = Math.Max(tanhWorst, error);
                if (t != 0) tanhRelativeWorst = Math.Max(tanhRelativeWorst, error / Math.Abs(t));
                sigmoidWorst = Math.Max(sigmoidWorst, Math.Abs(sigmoid[i] - 1 / (1 + Math.Exp(-x))));
                Assert.True(Math.Abs(tanh[i]) <= 1f && sigmoid[i] is >= 0f and <= 1f, $"x = {x}: tanh {tanh[i]}, σ {sigmoid[i]} out of range");
                if (i < 8)
                {
                    Assert.Equal(tanh[i], tanh256[i]);
                    Assert.Equal(sigmoid[i], sigmoid256[i]);
                }
            }
        });
        Assert.True(tanhWorst <= FastTanhAbsolute, $"fast tanh: worst absolute error {tanhWorst:E3}");
        Assert.True(tanhRelativeWorst <= FastTanhRelative, $"fast tanh: worst relative error {tanhRelativeWorst:E3}");
        Assert.True(sigmoidWorst <= FastSigmoidAbsolute, $"fast sigmoid: worst absolute error {sigmoidWorst:E3}");
    }

    [HardwareFact(Isa.Avx512)]
    public void FastActivationsPropagateNaNAndSaturateAtInfinity()
    {
        var x = Vector512.Create([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, 3f, -3f, 9.2f, -40f, 0, 0, 0, 0, 0, 0]);
        var tanh = RowBlocks.FastTanh(x);
        var sigmoid = RowBlocks.FastSigmoid(x);
        Assert.True(float.IsNaN(tanh[0]) && float.IsNaN(sigmoid[0]), "NaN in, NaN out");
        Assert.Equal((1f, -1f), (tanh[1], tanh[2]));
        Assert.Equal((1f, 0f), (sigmoid[1], sigmoid[2]));
        Assert.Equal((0f, 0.5f), (tanh[3], sigmoid[3]));
        Assert.True(float.IsNegative(tanh[4]), "tanh(−0) keeps the sign");
        Assert.Equal(-tanh[6], tanh[7]); // odd
        Assert.Equal((1f, -1f, 0f), (tanh[8], tanh[9], sigmoid[9])); // saturated exactly, as float tanh and σ are
    }

    public static TheoryData<int, int> BlockShapes => new() { { 1, 16 }, { 3, 16 }, { 8, 32 }, { 16, 64 }, { 21, 48 }, { 64, 0 }, { 7, 13 }, { 16, 20 }, { 3, 5 }, { 1, 1 }, { 50, 100 } };

    [HardwareTheory(Isa.Avx512)]
    [MemberData(nameof(BlockShapes))]
    public void BlockedDotProductsOf16RowsMatchDoublePrecision(int inputs, int hidden)
    {
        var (wIh, wHh, x, h, want) = BlockedCase(inputs, hidden);
        var sum = hidden == 0
            ? RowBlocks.Rows16(ref wIh[0], inputs, ref x[0])
            : RowBlocks.Rows16(ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0]);
        for (int u = 0; u < 16; u++)
            Assert.True(Math.Abs(sum[u] - want[u]) <= 1e-5 * (1 + Math.Abs(want[u])), $"row {u}: {sum[u]}, want {want[u]}");
    }

    [HardwareTheory(Isa.Avx2Fma)]
    [MemberData(nameof(BlockShapes))]
    public void BlockedDotProductsOf8RowsMatchDoublePrecision(int inputs, int hidden)
    {
        // Rows 0–7 only: the same weights, as an 8-row block (the 8-wide cells need hidden sizes that are multiples of 8).
        var (wIh, wHh, x, h, want) = BlockedCase(inputs, hidden);
        var sum = hidden == 0
            ? RowBlocks.Rows8(ref wIh[0], inputs, ref x[0])
            : RowBlocks.Rows8(ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0]);
        for (int u = 0; u < 8; u++)
            Assert.True(Math.Abs(sum[u] - want[u]) <= 1e-5 * (1 + Math.Abs(want[u])), $"row {u}: {sum[u]}, want {want[u]}");
    }

    [HardwareTheory(Isa.Avx512)]
    [MemberData(nameof(BlockShapes))]
    public void TailBlocksOnWideColumnsMatchDoublePrecision(int inputs, int hidden)
    {
        // Rows 8–15 and 4–7 through the AVX-512 tail kernels (columns 16 at a time), rows 4–7 through the AVX2 one.
        var (wIh, wHh, x, h, want) = BlockedCase(inputs, hidden);
        var eight = hidden == 0 ? RowBlocks.Rows8On512(8, ref wIh[0], inputs, ref x[0]) : RowBlocks.Rows8On512(8, ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0]);
        var four = hidden == 0 ? RowBlocks.Rows4On512(4, ref wIh[0], inputs, ref x[0]) : RowBlocks.Rows4On512(4, ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0]);
        var four256 = hidden == 0 ? RowBlocks.Rows4On256(4, ref wIh[0], inputs, ref x[0]) : RowBlocks.Rows4On256(4, ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0]);
        for (int u = 0; u < 8; u++)
            Assert.True(Math.Abs(eight[u] - want[8 + u]) <= 1e-5 * (1 + Math.Abs(want[8 + u])), $"8-row tail, row {8 + u}: {eight[u]}, want {want[8 + u]}");
        for (int u = 0; u < 4; u++)
        {
            Assert.True(Math.Abs(four[u] - want[4 + u]) <= 1e-5 * (1 + Math.Abs(want[4 + u])), $"4-row tail on 512, row {4 + u}: {four[u]}, want {want[4 + u]}");
            Assert.True(Math.Abs(four256[u] - want[4 + u]) <= 1e-5 * (1 + Math.Abs(want[4 + u])), $"4-row tail on 256, row {4 + u}: {four256[u]}, want {want[4 + u]}");
        }
    }

    [HardwareTheory(Isa.Avx512)]
    [MemberData(nameof(BlockShapes))]
    public void PartialBlocksMultiplyOnlyTheRowsTheyUse(int inputs, int hidden)
    {
        // A tail block that uses `rows` of its 16 (or 8) rows: those lanes are the dot products plus the bias, and the
        // rows after them are never read: their weights are NaN here, and the lanes after `rows` hold the bias exactly.
        var bias = Vector512.Create(0.25f, 0.5f, 0.75f, 1, 1.25f, 1.5f, 1.75f, 2, 2.25f, 2.5f, 2.75f, 3, 3.25f, 3.5f, 3.75f, 4);
        foreach (int rows in new[] { 1, 5, 8, 9, 13, 15 })
        {
            var (wIh, wHh, x, h, want) = BlockedCase(inputs, hidden);
            Array.Fill(wIh, float.NaN, rows * inputs, (16 - rows) * inputs);
            Array.Fill(wHh, float.NaN, rows * hidden, (16 - rows) * hidden);
            var sixteen = hidden == 0
                ? RowBlocks.Rows16(0, ref wIh[0], inputs, ref x[0], rows) + bias
                : RowBlocks.Rows16(0, ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0], bias, rows);
            var eight = rows > 8 ? default
                : hidden == 0 ? RowBlocks.Rows8On512(0, ref wIh[0], inputs, ref x[0], rows) + bias.GetLower()
                : RowBlocks.Rows8On512(0, ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0], bias.GetLower(), rows);
            for (int u = 0; u < 16; u++)
            {
                double expected = u < rows ? want[u] + bias[u] : bias[u];
                Assert.True(Math.Abs(sixteen[u] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{rows} of 16 rows, lane {u}: {sixteen[u]}, want {expected}");
                if (rows <= 8 && u < 8)
                    Assert.True(Math.Abs(eight[u] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{rows} of 8 rows, lane {u}: {eight[u]}, want {expected}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(BlockShapes))]
    public void BlockedDotProductsOf4RowsMatchDoublePrecision(int inputs, int hidden)
    {
        // Rows 4–7 of the same weights through the row-indexed entry point generated cells call; Vector128 runs on every machine.
        var (wIh, wHh, x, h, want) = BlockedCase(inputs, hidden);
        var sum = hidden == 0
            ? RowBlocks.Rows4(4, ref wIh[0], inputs, ref x[0])
            : RowBlocks.Rows4(4, ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0], Vector128.Create(0.5f));
        for (int u = 0; u < 4; u++)
        {
            double expected = want[4 + u] + (hidden == 0 ? 0 : 0.5);
            Assert.True(Math.Abs(sum[u] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"row {4 + u}: {sum[u]}, want {expected}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void PartialStoresWriteOnlyTheirLanes(int count)
    {
        float[] target = Enumerable.Repeat(-1f, 40).ToArray();
        RowBlocks.StorePartial(Vector128.Create(1f, 2, 3, 4), ref target[0], 2, count);
        RowBlocks.StorePartial(Vector256.Create(1f, 2, 3, 4, 5, 6, 7, 8), ref target[0], 10, count);
        RowBlocks.StorePartial(Vector512.Create(1f, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), ref target[0], 20, count);
        for (int i = 0; i < target.Length; i++)
        {
            int lane = i >= 20 ? i - 20 : i >= 10 ? i - 10 : i - 2;
            float expected = lane >= 0 && lane < count && (i < 6 || i >= 10) ? lane + 1 : -1f;
            Assert.Equal(expected, target[i]);
        }
    }

    [Fact]
    public void Vector128ActivationsStayWithinTheirStatedErrors()
    {
        double expWorst = 0, sigmoidWorst = 0, tanhWorst = 0, fastTanhWorst = 0, fastSigmoidWorst = 0;
        ForEachBatch(xs =>
        {
            for (int start = 0; start < 16; start += 4)
            {
                var v = Vector128.Create(xs.AsSpan(start, 4));
                var (exp, sigmoid, tanh) = (RowBlocks.Exp(v), RowBlocks.Sigmoid(v), RowBlocks.Tanh(v));
                var (fastTanh, fastSigmoid) = (RowBlocks.FastTanh(v), RowBlocks.FastSigmoid(v));
                for (int i = 0; i < 4; i++)
                {
                    double x = xs[start + i], s = 1 / (1 + Math.Exp(-x)), t = Math.Tanh(x);
                    if (x is >= -87 and <= 88) expWorst = Math.Max(expWorst, Math.Abs(exp[i] - Math.Exp(x)) / Math.Exp(x));
                    sigmoidWorst = Math.Max(sigmoidWorst, Math.Abs(sigmoid[i] - s));
                    tanhWorst = Math.Max(tanhWorst, Math.Abs(tanh[i] - t));
                    fastTanhWorst = Math.Max(fastTanhWorst, Math.Abs(fastTanh[i] - t));
                    fastSigmoidWorst = Math.Max(fastSigmoidWorst, Math.Abs(fastSigmoid[i] - s));
                }
            }
        });
        Assert.True(expWorst <= ExpRelative, $"exp: worst relative error {expWorst:E3}");
        Assert.True(sigmoidWorst <= SigmoidAbsolute, $"sigmoid: worst absolute error {sigmoidWorst:E3}");
        Assert.True(tanhWorst <= TanhAbsolute, $"tanh: worst absolute error {tanhWorst:E3}");
        Assert.True(fastTanhWorst <= FastTanhAbsolute, $"fast tanh: worst absolute error {fastTanhWorst:E3}");
        Assert.True(fastSigmoidWorst <= FastSigmoidAbsolute, $"fast sigmoid: worst absolute error {fastSigmoidWorst:E3}");
        Assert.Equal(0f, RowBlocks.Relu(Vector128.Create(-2f))[0]);
        Assert.Equal(3f, RowBlocks.Relu(Vector128.Create(3f))[0]);
    }

    /// <summary>16 rows of W_ih and W_hh, x and h, and the rows' dot products in double precision.</summary>
    private static (float[] WIh, float[] WHh, float[] X, float[] H, double[] Want) BlockedCase(int inputs, int hidden)
    {
        var random = new Random(inputs * 100 + hidden);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        const int rows = 16;
        // Weights are followed by other data and x by garbage, as in a model: a partial last chunk must ignore both.
        float[] wIh = Random(rows * inputs + 16), wHh = Random(rows * hidden + 16), x = Random(inputs + 16), h = Random(hidden + 16);
        Array.Fill(wIh, float.NaN, rows * inputs, 16);
        Array.Fill(wHh, float.NaN, rows * hidden, 16);
        Array.Fill(x, float.PositiveInfinity, inputs, 16);
        Array.Fill(h, float.NegativeInfinity, hidden, 16);
        double[] want = new double[rows];
        for (int u = 0; u < rows; u++)
        {
            for (int k = 0; k < inputs; k++) want[u] += (double)wIh[u * inputs + k] * x[k];
            for (int k = 0; k < hidden; k++) want[u] += (double)wHh[u * hidden + k] * h[k];
        }
        return (wIh, wHh, x, h, want);
    }

    [HardwareTheory(Isa.Avx512)]
    [InlineData(1, 8)]
    [InlineData(8, 8)]
    [InlineData(16, 8)]
    [InlineData(24, 8)]
    [InlineData(8, 0)]
    [InlineData(0, 8)]
    public void PairedRowsOfAnEightWideCellMatchDoublePrecision(int inputs, int hidden)
    {
        var random = new Random(inputs * 10 + hidden);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        const int rows = 16;
        float[] wIh = Random(rows * Math.Max(inputs, 1)), wHh = Random(rows * Math.Max(hidden, 1)), x = Random(Math.Max(inputs, 1)), h = Random(Math.Max(hidden, 1)), bias = Random(rows);
        double[] want = new double[rows];
        for (int u = 0; u < rows; u++)
        {
            want[u] = bias[u];
            for (int k = 0; k < inputs; k++) want[u] += (double)wIh[u * inputs + k] * x[k];
            for (int k = 0; k < hidden; k++) want[u] += (double)wHh[u * hidden + k] * h[k];
        }
        var sixteen = RowBlocks.Pairs16(ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0], Vector512.Create(bias));
        var eight = RowBlocks.Pairs8(ref wIh[0], inputs, ref x[0], ref wHh[0], hidden, ref h[0], Vector256.Create(bias.AsSpan(0, 8)));
        for (int u = 0; u < rows; u++)
        {
            Assert.True(Math.Abs(sixteen[u] - want[u]) <= 1e-5 * (1 + Math.Abs(want[u])), $"Pairs16 row {u}: {sixteen[u]}, want {want[u]}");
            if (u < 8) Assert.True(Math.Abs(eight[u] - want[u]) <= 1e-5 * (1 + Math.Abs(want[u])), $"Pairs8 row {u}: {eight[u]}, want {want[u]}");
        }
    }
}
