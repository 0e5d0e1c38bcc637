using System.Reflection;
using RnnGen.Training;
using RnnGen.Weights;

namespace RnnGen.Tests.Quantization;

// Build-time weights quantized by this project's build (RnnGen.Tests.csproj lists the float32 file once per precision
// and the ONNX file twice): each model embeds the item of its own precision. The *Runtime models have no build-time
// weights and load the float32 file at run time, as a user's model would without the build's quantization.
[RecurrentModel(InputSize = 16, SequenceLength = 40, Weights = "lstm_h128_L1_last/model.safetensors")][Lstm(128)][Dense(1)] public partial class BuildTimeLstmFloat32 { }
[RecurrentModel(InputSize = 16, SequenceLength = 40, Weights = "lstm_h128_L1_last/model.safetensors", Precision = WeightPrecision.Int8)][Lstm(128)][Dense(1)] public partial class BuildTimeLstmInt8 { }
[RecurrentModel(InputSize = 16, SequenceLength = 40, Weights = "lstm_h128_L1_last/model.safetensors", Precision = WeightPrecision.BFloat16)][Lstm(128)][Dense(1)] public partial class BuildTimeLstmBFloat16 { }
[RecurrentModel(InputSize = 16, SequenceLength = 40, Precision = WeightPrecision.Int8)][Lstm(128)][Dense(1)] public partial class RuntimeLstmInt8 { }
[RecurrentModel(InputSize = 16, SequenceLength = 40, Precision = WeightPrecision.BFloat16)][Lstm(128)][Dense(1)] public partial class RuntimeLstmBFloat16 { }

// The ONNX file: its import's default names, no Module. GRU(50) is below the int8 kernels' threshold: rounded copies.
[RecurrentModel(InputSize = 7, SequenceLength = 16, Weights = "gru_h50/model.onnx")][Gru(50)][Dense(5, Activation.Softmax, Over = Steps.Last)] public partial class BuildTimeOnnxFloat32 { }
[RecurrentModel(InputSize = 7, SequenceLength = 16, Weights = "gru_h50/model.onnx", Precision = WeightPrecision.Int8)][Gru(50)][Dense(5, Activation.Softmax, Over = Steps.Last)] public partial class BuildTimeOnnxInt8 { }
[RecurrentModel(InputSize = 7, SequenceLength = 16, Precision = WeightPrecision.Int8)][Gru(50)][Dense(5, Activation.Softmax, Over = Steps.Last)] public partial class RuntimeOnnxInt8 { }

/// <summary>
/// Build-time weights of a low-precision model are quantized by the build (the targets run src/RnnGen.OnnxWeights, which
/// calls the runtime's WeightQuantization): the assembly embeds int8 values + per-row scales, or bfloat16, and the model
/// runs exactly what the same model runs after loading the float32 file at run time — bit for bit.
/// </summary>
public class BuildTimeQuantizationTests
{
    private static readonly string Float32File = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "RnnGen.Generator.Tests", "Cases", "quant", "lstm_h128_L1_last", "model.safetensors");

    private static Assembly Assembly => typeof(BuildTimeQuantizationTests).Assembly;

    private static byte[] Resource(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"no resource {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static float[] Sequence(int steps, int inputSize)
    {
        var random = new TestRandom(11);
        var x = new float[steps * inputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.Jitter(1.5);
        return x;
    }

    /// <summary>Every Step output over <paramref name="x"/>, then one Forward's, from a zero state.</summary>
    private static float[] Outputs<TModel>(TModel model, float[] x) where TModel : IStepModel, ISequenceModel
    {
        int steps = x.Length / model.InputSize;
        var stepped = new float[steps * model.OutputSize];
        model.ResetState();
        for (int t = 0; t < steps; t++)
            model.Step(x.AsSpan(t * model.InputSize, model.InputSize), stepped.AsSpan(t * model.OutputSize, model.OutputSize));
        var forward = new float[model.OutputSize];
        model.ResetState();
        model.Forward(x, forward);
        return [.. stepped, .. forward];
    }

    private static void AssertSameCopies(IQuantizedModel expected, IQuantizedModel actual)
    {
        Assert.Equal(expected.Int8Weights.ToArray(), actual.Int8Weights.ToArray());
        Assert.Equal(expected.Int8Scales.ToArray(), actual.Int8Scales.ToArray());
        Assert.Equal(expected.BFloat16Weights.ToArray(), actual.BFloat16Weights.ToArray());
        Assert.Equal(expected.RoundedWeights.ToArray(), actual.RoundedWeights.ToArray());
    }

    private static void AssertSameTensors(SafeTensorsFile expected, SafeTensorsFile actual)
    {
        Assert.Equal(expected.Tensors.Select(t => t.Name), actual.Tensors.Select(t => t.Name));
        foreach (var t in expected.Tensors)
        {
            Assert.Equal(t.DType, actual[t.Name].DType);
            Assert.Equal(t.Data, actual[t.Name].Data);
        }
    }

    [Fact]
    public void TheAssemblyEmbedsEachPrecisionsQuantizedFileNotTheFloat32One()
    {
        byte[] float32 = File.ReadAllBytes(Float32File);
        var source = SafeTensorsFile.Read(Float32File);
        Assert.Equal("RnnGen.Weights/model.safetensors", BuildTimeLstmFloat32.EmbeddedWeightsResource);
        Assert.Equal("RnnGen.Weights/model.int8.safetensors", BuildTimeLstmInt8.EmbeddedWeightsResource);
        Assert.Equal("RnnGen.Weights/model.bf16.safetensors", BuildTimeLstmBFloat16.EmbeddedWeightsResource);
        Assert.Equal(float32, Resource(BuildTimeLstmFloat32.EmbeddedWeightsResource));

        // The build's file is the runtime's quantization of the float32 one, byte for byte.
        byte[] int8 = Resource(BuildTimeLstmInt8.EmbeddedWeightsResource), bf16 = Resource(BuildTimeLstmBFloat16.EmbeddedWeightsResource);
        Assert.Equal(WeightQuantization.Quantize(source, WeightPrecision.Int8).ToBytes(), int8);
        Assert.Equal(WeightQuantization.Quantize(source, WeightPrecision.BFloat16).ToBytes(), bf16);
        var embedded = SafeTensorsFile.Parse(int8);
        Assert.Equal(SafeTensor.Int8, embedded["rnn.weight_ih_l0"].DType);
        Assert.Equal(SafeTensor.Int8, embedded["rnn.weight_hh_l0"].DType);
        Assert.Equal([512], embedded["rnn.weight_hh_l0_scale"].Shape);
        Assert.Equal(SafeTensor.BFloat16, SafeTensorsFile.Parse(bf16)["rnn.weight_hh_l0"].DType);

        // 300,300 float32 bytes, of which 294,912 are W_ih and W_hh: int8 keeps 73,728 + 4,096 of scales, bf16 147,456.
        Assert.Equal(300_300, float32.Length);
        Assert.Equal(float32.Length - 294_912 + 77_824, int8.Length, tolerance: 400);   // the header grows by the scales' entries
        Assert.Equal(float32.Length - 294_912 / 2, bf16.Length, tolerance: 400);
        Assert.InRange((double)int8.Length / float32.Length, 0.27, 0.28);
        Assert.InRange((double)bf16.Length / float32.Length, 0.50, 0.52);
    }

    [Fact]
    public void AnInt8ModelBuiltWithItsWeightsRunsBitForBitAsOneLoadingTheFloat32FileAtRunTime()
    {
        var built = new BuildTimeLstmInt8();
        var loaded = new RuntimeLstmInt8();
        loaded.LoadWeights(Float32File);
        AssertSameCopies(loaded, built);
        float[] x = Sequence(40, 16);
        Assert.Equal(Outputs(loaded, x), Outputs(built, x));
        // What it saves is what it runs: the same tensors either way (the metadata names each class).
        AssertSameTensors(loaded.ToSafeTensorsFile(), built.ToSafeTensorsFile());
        // A second instance copies the first one's weights and copies.
        var second = new BuildTimeLstmInt8();
        AssertSameCopies(built, second);
        Assert.Equal(Outputs(loaded, x), Outputs(second, x));
    }

    [Fact]
    public void ABFloat16ModelBuiltWithItsWeightsRunsBitForBitAsOneLoadingTheFloat32FileAtRunTime()
    {
        var built = new BuildTimeLstmBFloat16();
        var loaded = new RuntimeLstmBFloat16();
        loaded.LoadWeights(Float32File);
        AssertSameCopies(loaded, built);
        float[] x = Sequence(40, 16);
        Assert.Equal(Outputs(loaded, x), Outputs(built, x));
        AssertSameTensors(loaded.ToSafeTensorsFile(), built.ToSafeTensorsFile());
    }

    public static TheoryData<Type> LowPrecisionModels => new(
        typeof(LstmInt8), typeof(LstmBFloat16), typeof(GruInt8), typeof(GruBFloat16), typeof(MixedInt8), typeof(MixedBFloat16),
        typeof(TokenInt8), typeof(BidirectionalBFloat16), typeof(Int8AtThreshold), typeof(Int8BelowThreshold),
        typeof(BFloat16AtThreshold), typeof(BFloat16BelowThreshold), typeof(MlpHeadInt8), typeof(FinalHeadBFloat16));

    /// <summary>
    /// The file the build embeds (WeightQuantization.Quantize of the float32 file) gives every kind of copy — int8 and bf16
    /// kernels, rounded copies of small layers, projections, reverse directions — exactly what loading the float32 file
    /// makes: the build's quantization and the models' own are one rule.
    /// </summary>
    [Theory]
    [MemberData(nameof(LowPrecisionModels))]
    public void TheBuildsFileLoadsIntoTheCopiesTheFloat32FileMakes(Type type)
    {
        var source = (IQuantizedModel)Activator.CreateInstance(type)!;
        Initializer.Apply(source, InitScheme.PyTorchDefault, 7);
        var float32 = source.ToSafeTensorsFile(WeightPrecision.Float32);
        var fromFloat32 = (IQuantizedModel)Activator.CreateInstance(type)!;
        fromFloat32.LoadWeights(float32);
        var fromBuild = (IQuantizedModel)Activator.CreateInstance(type)!;
        fromBuild.LoadWeights(WeightQuantization.Quantize(float32, source.Precision));
        AssertSameCopies(fromFloat32, fromBuild);
    }

    [Fact]
    public void QuantizingAFileKeepsWhatIsInItsPrecisionAndRefusesWhatWouldRoundTwiceOrIsNotFinite()
    {
        var source = SafeTensorsFile.Read(Float32File);
        var int8 = WeightQuantization.Quantize(source, WeightPrecision.Int8);
        Assert.Equal(int8.ToBytes(), WeightQuantization.Quantize(int8, WeightPrecision.Int8).ToBytes());
        Assert.Equal(source["head.weight"].Data, int8["head.weight"].Data);
        Assert.Equal(source.Metadata, int8.Metadata);

        var twice = Assert.Throws<WeightFormatException>(() => WeightQuantization.Quantize(int8, WeightPrecision.BFloat16));
        Assert.Equal("<safetensors data>: tensor 'rnn.weight_ih_l0': is I8 already, so it cannot be quantized to BF16 without rounding twice: start from the float32 file", twice.Message);
        Assert.Throws<ArgumentException>(() => WeightQuantization.Quantize(source, WeightPrecision.Float32));

        var broken = source["rnn.weight_hh_l0"].Data.ToArray();
        broken[130] = float.NaN;
        var nan = new SafeTensorsFile(source.Tensors.Select(t => t.Name == "rnn.weight_hh_l0" ? new SafeTensor(t.Name, t.Shape, broken) : t));
        var e = Assert.Throws<WeightFormatException>(() => WeightQuantization.Quantize(nan, WeightPrecision.Int8));
        Assert.Equal("rnn.weight_hh_l0", e.TensorName);
        Assert.Contains("value NaN at index 130 is not finite", e.Message);
    }

    [Fact]
    public void AnOnnxFileIsConvertedAndQuantizedByTheBuildAndRunsAsItsFloat32ConversionQuantizedAtRunTime()
    {
        Assert.Equal("RnnGen.Weights/model.onnx.int8.safetensors", BuildTimeOnnxInt8.EmbeddedWeightsResource);
        var embedded = SafeTensorsFile.Parse(Resource(BuildTimeOnnxInt8.EmbeddedWeightsResource));
        Assert.Equal(SafeTensor.Int8, embedded["rnn.weight_hh_l0"].DType);
        Assert.Equal(SafeTensorsFile.Parse(Resource(BuildTimeOnnxFloat32.EmbeddedWeightsResource)).Metadata, embedded.Metadata);

        // The float32 conversion, loaded at run time into the same int8 model.
        var loaded = new RuntimeOnnxInt8();
        loaded.LoadWeights(new BuildTimeOnnxFloat32().ToSafeTensorsFile());
        var built = new BuildTimeOnnxInt8();
        AssertSameCopies(loaded, built);
        float[] x = Sequence(16, 7);
        Assert.Equal(Outputs(loaded, x), Outputs(built, x));
    }
}
