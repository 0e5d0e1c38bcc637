namespace RnnGen.Tests;

/// <summary>Tolerance checks and a double-precision central-difference oracle shared by the tests.</summary>
internal static class NumericAssert
{
    /// <summary>Asserts |got − want| ≤ abs + rel·|want| for every element, naming the first index that fails.</summary>
    public static void Close(ReadOnlySpan<double> want, ReadOnlySpan<float> got, double abs, double rel, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
        {
            double tolerance = abs + rel * Math.Abs(want[i]);
            if (!(Math.Abs(got[i] - want[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: want {want[i]:R}, got {got[i]:R} (tolerance {tolerance:G3}).");
        }
    }

    public static void Close(double want, double got, double abs, double rel, string what)
    {
        double tolerance = abs + rel * Math.Abs(want);
        if (!(Math.Abs(got - want) <= tolerance))
            Assert.Fail($"{what}: want {want:R}, got {got:R} (tolerance {tolerance:G3}).");
    }

    /// <summary>df/dx_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h, in double.</summary>
    public static double[] CentralDifference(Func<double[], double> f, ReadOnlySpan<float> at, double h = 1e-6)
    {
        double[] x = new double[at.Length];
        for (int i = 0; i < x.Length; i++) x[i] = at[i];
        return CentralDifference(f, x, h);
    }

    /// <summary>As above at a double-precision point; <paramref name="x"/> is perturbed in place and restored.</summary>
    public static double[] CentralDifference(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        double[] gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double saved = x[i];
            x[i] = saved + h;
            double up = f(x);
            x[i] = saved - h;
            double down = f(x);
            x[i] = saved;
            gradient[i] = (up - down) / (2 * h);
        }
        return gradient;
    }

    /// <summary>Uniform floats in [low, high) from a fixed System.Random seed (test data only).</summary>
    public static float[] RandomFloats(int seed, int count, float low, float high)
    {
        var random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return values;
    }
}
