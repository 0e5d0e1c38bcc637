using RnnGen.Training;

namespace RnnGen.Tests.Training;

public class GradientClippingTests
{
    [Fact]
    public void ClipByGlobalNormScalesByMaxNormOverNormPlusEpsilon()
    {
        float[] g = [3f, 0f, -4f];
        float norm = GradientClipping.ClipByGlobalNorm(g, 1f);

        Assert.Equal(5f, norm);
        float c = (float)(1.0 / (5.0 + 1e-6));
        Assert.Equal([3f * c, 0f, -4f * c], g);
        NumericAssert.Close(1.0, GradientClipping.GlobalNorm(g), 0, 1e-6, "norm after clipping");
    }

    [Fact]
    public void ClipByGlobalNormBelowMaxLeavesGradientsAlone()
    {
        float[] g = [3f, 0f, -4f];
        Assert.Equal(5f, GradientClipping.ClipByGlobalNorm(g, 6f));
        Assert.Equal([3f, 0f, -4f], g);
    }

    [Fact]
    public void ClipByGlobalNormAtExactlyMaxStillScalesLikeTorch()
    {
        // torch clamps max_norm / (norm + 1e-6) at 1, so a norm equal to max_norm is scaled by 5 / (5 + 1e-6).
        float[] g = [3f, 4f];
        GradientClipping.ClipByGlobalNorm(g, 5f);
        float c = (float)(5.0 / (5.0 + 1e-6));
        Assert.Equal([3f * c, 4f * c], g);
        Assert.NotEqual(3f, g[0]);
    }

    [Fact]
    public void GlobalNormMatchesDoubleReferenceAcrossLanesAndTail()
    {
        float[] g = NumericAssert.RandomFloats(11, 1003, -2f, 2f);
        double sum = 0;
        foreach (float v in g) sum += (double)v * v;
        NumericAssert.Close(Math.Sqrt(sum), GradientClipping.GlobalNorm(g), 0, 1e-7, "norm");

        float[] scaled = (float[])g.Clone();
        GradientClipping.ClipByGlobalNorm(scaled, 0.5f);
        float c = (float)(0.5 / (Math.Sqrt(sum) + 1e-6));
        for (int i = 0; i < g.Length; i++)
            Assert.Equal(g[i] * c, scaled[i]);
    }

    [Fact]
    public void GlobalNormOfHugeFiniteValuesDoesNotOverflow()
    {
        // The squares (≈ 1e61) overflow float; the norm itself does not.
        float[] g = [3e30f, 4e30f];
        NumericAssert.Close(5e30, GradientClipping.ClipByGlobalNorm(g, 1f), 0, 1e-6, "norm");
        NumericAssert.Close([0.6, 0.8], g, 0, 1e-5, "clipped");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void ClipByGlobalNormNonFiniteReportsAndLeavesGradientsUntouched(float bad)
    {
        float[] g = NumericAssert.RandomFloats(12, 21, -1f, 1f);
        g[17] = bad; // in the tail for 8- and 16-wide lanes
        float[] before = (float[])g.Clone();

        float norm = GradientClipping.ClipByGlobalNorm(g, 0.1f);

        Assert.False(float.IsFinite(norm));
        Assert.Equal(before, g);
    }

    [Fact]
    public void ClipByValueClampsToTheSymmetricRange()
    {
        float[] g = [-3f, -0.5f, 0f, 0.5f, 3f, 1f, -1f, 2f, 0.25f];
        GradientClipping.ClipByValue(g, 1f);
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 1f, 1f, -1f, 1f, 0.25f], g);
    }

    [Fact]
    public void ClipByValueKeepsNaNSoTheFiniteCheckStillSeesIt()
    {
        float[] g = new float[19];
        g[3] = float.NaN;
        g[18] = float.NaN;
        GradientClipping.ClipByValue(g, 1f);
        Assert.True(float.IsNaN(g[3]));
        Assert.True(float.IsNaN(g[18]));
        Assert.False(GradientClipping.AllFinite(g));
    }

    [Fact]
    public void ClippingRejectsNegativeOrNaNLimits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[2], -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[2], float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByValue(new float[2], -1f));
    }

    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(5, float.PositiveInfinity)]
    [InlineData(33, float.NegativeInfinity)]
    [InlineData(36, float.NaN)]
    public void AllFiniteFindsANonFiniteValueAnywhere(int index, float bad)
    {
        float[] values = NumericAssert.RandomFloats(13, 37, -1e30f, 1e30f);
        Assert.True(GradientClipping.AllFinite(values));
        values[index] = bad;
        Assert.False(GradientClipping.AllFinite(values));
    }

    [Fact]
    public void AllFiniteAcceptsExtremesAndEmpty()
    {
        Assert.True(GradientClipping.AllFinite([float.MaxValue, float.MinValue, float.Epsilon, -0f]));
        Assert.True(GradientClipping.AllFinite([]));
    }

    [Fact]
    public void ClippingAllocatesNothing()
    {
        float[] g = NumericAssert.RandomFloats(14, 1003, -1f, 1f);

        void ClipAll()
        {
            GradientClipping.ClipByGlobalNorm(g, 0.5f);
            GradientClipping.ClipByValue(g, 0.01f);
            GradientClipping.AllFinite(g);
            GradientClipping.GlobalNorm(g);
        }

        ClipAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) ClipAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
