using RnnGen.Streaming;
using RnnGen.Tests.Models;
using RnnGen.Weights;
using static RnnGen.Tests.Weights.WeightTestData;

namespace RnnGen.Tests.Weights;

/// <summary>Weights and the input normaliser's statistics in one safetensors file.</summary>
public class NormalizerWeightsTests
{
    private static GruRnnStack ModelWithValues(int seed)
    {
        var model = new GruRnnStack();
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)(random.NextDouble() * 2 - 1);
        return model;
    }

    private static ZScoreNormalizer Fitted()
    {
        // Four channels with different scales; the means and deviations are not round numbers in binary.
        var random = new Random(3);
        float[] data = new float[500 * 4];
        for (int i = 0; i < data.Length; i++) data[i] = (float)((i % 4 + 1) * 0.37 * random.NextDouble() - 0.1 * (i % 4));
        return ZScoreNormalizer.Fit(data, 4);
    }

    [Fact]
    public void WeightsAndStatisticsRoundTripBitExactlyAndKeepOtherMetadata()
    {
        GruRnnStack saved = ModelWithValues(11);
        ZScoreNormalizer fitted = Fitted();
        using var temp = new TempFile();

        saved.SaveWeightsAndNormalizer(temp.Path, fitted, new Dictionary<string, string> { ["epochs"] = "7" });
        var loaded = new GruRnnStack();
        ZScoreNormalizer restored = loaded.LoadWeightsAndNormalizer(temp.Path);

        Assert.Equal(saved.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(fitted.Mean.ToArray(), restored.Mean.ToArray());
        Assert.Equal(fitted.Std.ToArray(), restored.Std.ToArray());
        Assert.Equal(500, restored.Count);
        Assert.True(restored.IsFrozen);
        Assert.Equal("7", SafeTensorsFile.Read(temp.Path).Metadata["epochs"]);

        float[] a = [0.3f, -1.2f, 2.5f, 0.01f], b = (float[])a.Clone();
        fitted.Normalize(a);
        restored.Normalize(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void AFileWithoutStatisticsIsRefusedAndTheWeightsStay()
    {
        using var temp = new TempFile();
        ModelWithValues(1).SaveWeights(temp.Path);
        GruRnnStack model = ModelWithValues(2);
        float[] before = model.Parameters.ToArray();

        var e = Assert.Throws<WeightFormatException>(() => model.LoadWeightsAndNormalizer(temp.Path));

        Assert.Contains(ZScoreNormalizer.MeanKey, e.Message);
        Assert.Equal(temp.Path, e.FileName);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void StatisticsForAnotherInputSizeAreRefusedAndTheWeightsStay()
    {
        GruRnnStack model = ModelWithValues(2);
        float[] before = model.Parameters.ToArray();
        var wrong = new ZScoreNormalizer([1f, 2f, 3f], [1f, 1f, 1f]);
        SafeTensorsFile file = ModelWithValues(1).ToSafeTensorsFile(wrong.ToMetadata());

        var e = Assert.Throws<WeightFormatException>(() => model.LoadWeightsAndNormalizer(file));

        Assert.Contains("3 channels", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Throws<ArgumentException>(() => model.SaveWeightsAndNormalizer(Path.Combine(Path.GetTempPath(), "rnngen-never-written.safetensors"), wrong));
    }

    [Fact]
    public void MetadataMayNotOverrideTheStatistics()
    {
        using var temp = new TempFile();
        var metadata = new Dictionary<string, string> { [ZScoreNormalizer.StdKey] = "[1,1,1,1]" };

        var e = Assert.Throws<ArgumentException>(() => ModelWithValues(1).SaveWeightsAndNormalizer(temp.Path, Fitted(), metadata));

        Assert.Contains(ZScoreNormalizer.StdKey, e.Message);
        Assert.False(File.Exists(temp.Path));
    }
}
