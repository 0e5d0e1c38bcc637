using RnnGen.Kernels;

namespace RnnGen.Tests.Kernels;

/// <summary><see cref="MatrixOps.GemvAdd"/> on both of its paths (short rows in line, long rows per TensorPrimitives call) against double precision.</summary>
public class MatrixOpsTests
{
    [Theory]
    [InlineData(1, 8)]      // Dense(1) on H = 8: the in-line path
    [InlineData(4, 64)]     // the longest in-line row
    [InlineData(3, 72)]     // just past it: TensorPrimitives.Dot per row
    [InlineData(2, 12)]     // not a multiple of 8: TensorPrimitives.Dot per row
    public void GemvAddAddsWxToY(int rows, int cols)
    {
        var random = new Random(rows * 100 + cols);
        float[] w = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] x = Enumerable.Range(0, cols).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] y = Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        double[] want = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            want[r] = y[r];
            for (int k = 0; k < cols; k++) want[r] += (double)w[r * cols + k] * x[k];
        }
        MatrixOps.GemvAdd(w, x, y);
        for (int r = 0; r < rows; r++)
            Assert.True(Math.Abs(y[r] - want[r]) <= 1e-5 * (1 + Math.Abs(want[r])), $"row {r}: {y[r]}, want {want[r]}");
    }

    [Fact]
    public void GemvAddRejectsAMatrixShorterThanItsRows()
    {
        var error = Assert.Throws<ArgumentException>(() => MatrixOps.GemvAdd(new float[15], new float[8], new float[2]));
        Assert.Contains("2 rows of 8 need 16", error.Message);
    }
}
