using System.Globalization;
using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class ZScoreNormalizerTests
{
    [Fact]
    public void FitUsesThePopulationStandardDeviation()
    {
        // Channel 0: 1, 2, 3, 4 → μ = 2.5, σ = √1.25. Channel 1 is ten times channel 0.
        float[] data = [1, 10, 2, 20, 3, 30, 4, 40];
        var n = ZScoreNormalizer.Fit(data, channels: 2);
        Assert.True(n.IsFrozen);
        Assert.Equal(4, n.Count);
        Assert.Equal(2.5f, n.Mean[0], 6);
        Assert.Equal(25f, n.Mean[1], 5);
        Assert.Equal(MathF.Sqrt(1.25f), n.Std[0], 6);
        Assert.Equal(10 * MathF.Sqrt(1.25f), n.Std[1], 5);

        float[] frame = [4, 10];
        n.Normalize(frame);
        Assert.Equal(1.5f / MathF.Sqrt(1.25f), frame[0], 5);
        Assert.Equal(-15f / (10 * MathF.Sqrt(1.25f)), frame[1], 5);
    }

    [Fact]
    public void RunningStatisticsMatchATwoPassComputationUntilFrozen()
    {
        var rng = new TestRandom(9);
        var n = new ZScoreNormalizer(3);
        var rows = new List<float[]>();
        for (int i = 0; i < 5000; i++)
        {
            float[] row = [(float)(100 + rng.NextDouble()), (float)(rng.Jitter(3)), (float)(-7 + 0.01 * rng.NextDouble())];
            rows.Add(row);
            n.Observe(row);
        }
        for (int c = 0; c < 3; c++)
        {
            double mean = rows.Average(r => (double)r[c]);
            double std = Math.Sqrt(rows.Average(r => (r[c] - mean) * (r[c] - mean)));
            Assert.Equal(mean, n.Mean[c], 4);
            Assert.Equal(std, n.Std[c], 5);
        }

        n.Freeze();
        float before = n.Mean[0];
        n.Observe([1e6f, 0, 0]);
        Assert.Equal(before, n.Mean[0]);
        Assert.Equal(5000, n.Count);

        n.Unfreeze();
        n.Observe([1e6f, 0, 0]);
        Assert.Equal(5001, n.Count);
        Assert.True(n.Mean[0] > before + 100);
    }

    [Fact]
    public void ConstantChannelsAndEarlyEstimatesAreScaledByOne()
    {
        var n = new ZScoreNormalizer(1);
        n.Observe([5f]);
        Assert.Equal(1f, n.Std[0]); // one sample: no spread yet
        n.Observe([5f]);
        Assert.Equal(1f, n.Std[0]); // constant: σ = 0 < MinStd
        float[] x = [7f];
        n.Normalize(x);
        Assert.Equal(2f, x[0]);
    }

    [Fact]
    public void NonFiniteFramesDoNotTouchRunningStatistics()
    {
        var n = new ZScoreNormalizer(2);
        n.Observe([1f, 2f]);
        n.Observe([float.NaN, 2f]);
        n.Observe([1f, float.PositiveInfinity]);
        Assert.Equal(1, n.Count);
        Assert.Equal(1f, n.Mean[0]);
    }

    [Fact]
    public void MetadataRoundTripsEveryBitInAnyCulture()
    {
        float[] mean = [0.1f, 1f / 3f, float.Epsilon, -0f, -123456.79f, float.MaxValue];
        float[] std = [1e-6f, 2f / 3f, 3.4e38f, 1f, 0.30000001f, 7e-3f];
        var original = new ZScoreNormalizer(mean, std, count: 12345);

        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // decimal comma
            IReadOnlyDictionary<string, string> meta = original.ToMetadata();
            Assert.DoesNotContain(";", meta[ZScoreNormalizer.MeanKey]);
            Assert.StartsWith("[0.1,", meta[ZScoreNormalizer.MeanKey]);
            Assert.Equal("12345", meta[ZScoreNormalizer.CountKey]);

            var restored = ZScoreNormalizer.FromMetadata(meta);
            Assert.True(restored.IsFrozen);
            Assert.Equal(12345, restored.Count);
            for (int c = 0; c < mean.Length; c++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(mean[c]), BitConverter.SingleToInt32Bits(restored.Mean[c]));
                Assert.Equal(BitConverter.SingleToInt32Bits(std[c]), BitConverter.SingleToInt32Bits(restored.Std[c]));
            }
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void FromMetadataNamesTheMissingOrBadKey()
    {
        var good = new Dictionary<string, string> { [ZScoreNormalizer.MeanKey] = "[1, 2]", [ZScoreNormalizer.StdKey] = "[0.5,4]" };
        var n = ZScoreNormalizer.FromMetadata(good);
        Assert.Equal(0.5f, n.Std[0]);
        Assert.Equal(0, n.Count);

        var e1 = Assert.Throws<KeyNotFoundException>(() => ZScoreNormalizer.FromMetadata(new Dictionary<string, string> { [ZScoreNormalizer.MeanKey] = "[1]" }));
        Assert.Contains(ZScoreNormalizer.StdKey, e1.Message);

        Assert.Contains(ZScoreNormalizer.MeanKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.MeanKey, "[1,x]"))).Message);
        Assert.Contains(ZScoreNormalizer.MeanKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.MeanKey, "[1,NaN]"))).Message);
        Assert.Contains(ZScoreNormalizer.MeanKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.MeanKey, "[]"))).Message);
        Assert.Contains(ZScoreNormalizer.MeanKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.MeanKey, "[1,2,3]"))).Message);
        Assert.Contains(ZScoreNormalizer.StdKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.StdKey, "[1,0]"))).Message);
        Assert.Contains(ZScoreNormalizer.StdKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.StdKey, "[1,-2]"))).Message);
        Assert.Contains(ZScoreNormalizer.CountKey, Assert.Throws<FormatException>(() => ZScoreNormalizer.FromMetadata(With(good, ZScoreNormalizer.CountKey, "-3"))).Message);
    }

    private static Dictionary<string, string> With(Dictionary<string, string> d, string key, string value) => new(d) { [key] = value };

    [Fact]
    public void ObserveAndNormalizeAllocateNothing()
    {
        var n = new ZScoreNormalizer(4);
        float[] frame = [1, 2, 3, 4];
        float[] output = new float[4];
        float k = 0;
        long bytes = Allocations.Measure(() =>
        {
            frame[0] = k++;
            n.Observe(frame);
            n.Normalize(frame, output);
            n.Normalize(frame);
        });
        Assert.Equal(0, bytes);
    }
}
