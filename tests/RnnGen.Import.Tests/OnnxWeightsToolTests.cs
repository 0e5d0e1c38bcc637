using RnnGen.Weights;

namespace RnnGen.Import.Tests;

/// <summary>
/// RnnGen.OnnxWeights, the build step behind ONNX and low-precision build-time weights: it writes what the import makes of
/// the file, quantized when the build asks for a precision, or the message beside it for the build to report as RNN019.
/// The targets around it run in the package consumer test and in RnnGen.Tests' own build (BuildTimeQuantizationTests).
/// </summary>
public sealed class OnnxWeightsToolTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-onnxweights-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void ItWritesTheImportedWeightsWithTheDeclarationAndRemovesAnEarlierError()
    {
        string onnx = Path.Combine(Fixtures.Directory("bilstm_hn_head"), "model.onnx");
        string output = Path.Combine(_directory, "obj", "model.onnx.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllText(output + ".error", "an earlier failure");

        Assert.Equal(0, RnnGen.OnnxWeights.Program.Convert(onnx, output, new StringWriter()));

        Assert.False(File.Exists(output + ".error"));
        Assert.Equal(OnnxImporter.Import(onnx).ToBuildTimeWeights("model.onnx").ToBytes(), File.ReadAllBytes(output));
        var metadata = SafeTensorsFile.Read(output).Metadata;
        Assert.Equal("rnngen import model.onnx", metadata["source"]);
        Assert.Contains("[Dense(3, Over = Steps.Final)]", metadata[WeightsMetadata.Declaration]);
    }

    [Fact]
    public void AGraphItCannotMapLeavesTheMessageInsteadOfWeights()
    {
        string onnx = Path.Combine(_directory, "model.onnx");
        string output = Path.Combine(_directory, "obj", "model.onnx.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        File.WriteAllBytes(onnx, [0xff, 0xff, 0xff, 0xff, 0x0f]);
        File.WriteAllText(output, "stale weights");

        Assert.Equal(0, RnnGen.OnnxWeights.Program.Convert(onnx, output, new StringWriter()));

        Assert.False(File.Exists(output));
        Assert.StartsWith($"{onnx}: not an ONNX model", File.ReadAllText(output + ".error"));
        Assert.Equal(2, RnnGen.OnnxWeights.Program.Main([onnx]));
    }

    private static string QuantCase => Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "RnnGen.Generator.Tests", "Cases", "quant", "gru_h32_L2_last", "model.safetensors");

    [Fact]
    public void WithAPrecisionItQuantizesASafetensorsFileOrAConvertedGraphAsTheRuntimeDoes()
    {
        string output = Path.Combine(_directory, "obj", "model.int8.safetensors");
        Assert.Equal(0, RnnGen.OnnxWeights.Program.Main([QuantCase, output, "--precision", "int8"]));
        Assert.Equal(WeightQuantization.Quantize(SafeTensorsFile.Read(QuantCase), WeightPrecision.Int8).ToBytes(), File.ReadAllBytes(output));

        string onnx = Path.Combine(Fixtures.Directory("bilstm_hn_head"), "model.onnx");
        output = Path.Combine(_directory, "obj", "model.onnx.bf16.safetensors");
        Assert.Equal(0, RnnGen.OnnxWeights.Program.Main([onnx, output, "--precision", "bf16"]));
        var converted = OnnxImporter.Import(onnx).ToBuildTimeWeights("model.onnx");
        Assert.Equal(WeightQuantization.Quantize(converted, WeightPrecision.BFloat16).ToBytes(), File.ReadAllBytes(output));
        Assert.Equal(SafeTensor.BFloat16, SafeTensorsFile.Read(output)["rnn.weight_hh_l0_reverse"].DType);
    }

    [Fact]
    public void AFileItCannotQuantizeLeavesTheMessageInsteadOfWeights()
    {
        // Already int8, asked for bf16: rounding twice. The build reports the message at the model as RNN019.
        string int8 = Path.Combine(_directory, "int8.safetensors");
        Directory.CreateDirectory(_directory);
        WeightQuantization.Quantize(SafeTensorsFile.Read(QuantCase), WeightPrecision.Int8).Write(int8);
        string output = Path.Combine(_directory, "obj", "out.safetensors");
        Assert.Equal(0, RnnGen.OnnxWeights.Program.Main([int8, output, "--precision", "bf16"]));
        Assert.False(File.Exists(output));
        Assert.Equal($"{int8}: tensor 'rnn.weight_ih_l0': is I8 already, so it cannot be quantized to BF16 without rounding twice: start from the float32 file", File.ReadAllText(output + ".error"));

        // Not a safetensors file.
        string text = Path.Combine(_directory, "notes.safetensors");
        File.WriteAllText(text, "hello");
        Assert.Equal(0, RnnGen.OnnxWeights.Program.Main([text, output, "--precision", "int8"]));
        Assert.StartsWith(text + ": ", File.ReadAllText(output + ".error"));

        // Arguments the build never passes.
        Assert.Equal(2, RnnGen.OnnxWeights.Program.Main([QuantCase, output, "--precision", "int4"]));
        Assert.Equal(2, RnnGen.OnnxWeights.Program.Main([QuantCase, output]));
    }
}
