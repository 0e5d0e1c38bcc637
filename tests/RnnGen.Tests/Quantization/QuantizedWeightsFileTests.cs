using RnnGen.Weights;

namespace RnnGen.Tests.Quantization;

/// <summary>
/// Quantized tensors in safetensors files (I8 with F32 per-row scales, BF16) and the quantization rules: values a dtype
/// cannot hold are refused, files round-trip bit for bit, a load checks the scales, and the rules match their statement.
/// </summary>
public class QuantizedWeightsFileTests
{
    [Fact]
    public void I8AndBF16TensorsRoundTripThroughBytes()
    {
        var file = new SafeTensorsFile([
            new SafeTensor("a", [2, 3], [-128f, 127f, 0f, 1f, -1f, 5f], SafeTensor.Int8),
            new SafeTensor("b", [3], [1.5f, -0.0078125f, 65280f], SafeTensor.BFloat16),
            new SafeTensor("c", [1], [0.1f]),
        ]);
        byte[] bytes = file.ToBytes();
        var read = SafeTensorsFile.Parse(bytes);
        Assert.Equal(SafeTensor.Int8, read["a"].DType);
        Assert.Equal(file["a"].Data, read["a"].Data);
        Assert.Equal(SafeTensor.BFloat16, read["b"].DType);
        Assert.Equal(file["b"].Data, read["b"].Data);
        Assert.Equal(file["c"].Data, read["c"].Data);
        // 6 + 3·2 + 4 data bytes after the header.
        Assert.Equal(16, bytes.Length - 8 - (long)BitConverter.ToUInt64(bytes, 0));
    }

    [Theory]
    [InlineData(SafeTensor.Int8, 128f)]
    [InlineData(SafeTensor.Int8, 0.5f)]
    [InlineData(SafeTensor.Int8, float.NaN)]
    [InlineData(SafeTensor.BFloat16, 0.1f)]
    [InlineData("F16", 1f)]
    public void ValuesADTypeCannotHoldAreRefused(string dtype, float value) =>
        Assert.Throws<ArgumentException>(() => new SafeTensor("t", [1], [value], dtype));

    [Fact]
    public void BFloat16RoundsToNearestEven()
    {
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: the even one (1) wins; 1 + 3·2^-8 rounds up to 1 + 2^-6.
        Assert.Equal(1f, WeightQuantization.FromBFloat16(WeightQuantization.ToBFloat16(1f + 1f / 256)));
        Assert.Equal(1f + 1f / 64, WeightQuantization.FromBFloat16(WeightQuantization.ToBFloat16(1f + 3f / 256)));
        Assert.Equal(-2.5f, WeightQuantization.FromBFloat16(WeightQuantization.ToBFloat16(-2.5f)));
        Assert.True(float.IsNaN(WeightQuantization.FromBFloat16(WeightQuantization.ToBFloat16(float.NaN))));
    }

    [Fact]
    public void Int8RowsAreSymmetricWithTheLargestWeightAt127()
    {
        float[] row = [0.5f, -1.27f, 0.01f, 0.005f, 0f];
        float scale = WeightQuantization.Int8Scale(row);
        Assert.Equal(0.01f, scale, 1e-8f);
        Assert.Equal([50, -127, 1, 0, 0], row.Select(w => (int)WeightQuantization.QuantizeInt8(w, scale)));
        Assert.Equal(0, WeightQuantization.QuantizeInt8(3f, 0f));
        var tensors = WeightQuantization.Quantize("w", [1, 5], row, WeightPrecision.Int8);
        Assert.Equal(["w", "w_scale"], tensors.Select(t => t.Name));
        Assert.Equal(scale, tensors[1].Data[0]);
    }

    [Theory]
    [InlineData("weight_ih_l0", true)]
    [InlineData("rnn.weight_hh_l3_reverse", true)]
    [InlineData("model.lstm.weight_hr_l0", true)]
    [InlineData("rnn.bias_ih_l0", false)]
    [InlineData("head.weight", false)]
    [InlineData("embedding.weight", false)]
    [InlineData("weight_ih_l0_scale", false)]
    public void OnlyRecurrentWeightMatricesAreQuantized(string name, bool quantized) =>
        Assert.Equal(quantized, WeightQuantization.IsQuantized(name));

    [Fact]
    public void AnI8TensorWithoutItsScalesIsRefusedAndNothingChanges()
    {
        var model = new LstmInt8();
        var tensors = new LstmTwin().ToSafeTensorsFile(WeightPrecision.Int8).Tensors.Where(t => !t.Name.EndsWith("weight_hh_l0" + WeightQuantization.ScaleSuffix)).ToList();
        float[] before = model.Parameters.ToArray();

        var error = Assert.Throws<WeightFormatException>(() => model.LoadWeights(new SafeTensorsFile(tensors)));

        Assert.Contains("rnn.weight_hh_l0_scale", error.Message);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void ScalesOfTheWrongShapeAreRefused()
    {
        var tensors = new LstmTwin().ToSafeTensorsFile(WeightPrecision.Int8).Tensors
            .Select(t => t.Name == "rnn.weight_ih_l0_scale" ? new SafeTensor(t.Name, [t.Data.Length - 1], t.Data[1..]) : t).ToList();
        var error = Assert.Throws<WeightFormatException>(() => new LstmTwin().LoadWeights(new SafeTensorsFile(tensors)));
        Assert.Contains($"F32 [{4 * 96}]", error.Message); // one scale per row of LSTM(96)'s W_ih
    }

    [Fact]
    public void AFloat32ModelLoadsInt8WeightsAsScaledIntegers()
    {
        var source = new LstmTwin();
        RnnGen.Training.Initializer.Apply(source, RnnGen.Training.InitScheme.PyTorchDefault, 4);
        var file = source.ToSafeTensorsFile(WeightPrecision.Int8);
        var model = new LstmTwin();
        model.LoadWeights(file);
        var ih = model.ParameterTensors.First(t => t.Name == "rnn.weight_ih_l0");
        float scale = file["rnn.weight_ih_l0_scale"].Data[2];
        Assert.Equal(file["rnn.weight_ih_l0"].Data[2 * 16 + 7] * scale, model.Parameters[ih.Offset + 2 * 16 + 7]);
        // Extra-tensor checking knows the scales belong to their tensors.
        var bias = model.ParameterTensors.First(t => t.Name == "rnn.bias_ih_l0");
        Assert.Equal(file["rnn.bias_ih_l0"].Data, model.Parameters.Slice(bias.Offset, bias.Length).ToArray());
    }
}
