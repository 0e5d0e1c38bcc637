using RnnGen.Weights;

namespace RnnGen.Import.Tests;

/// <summary>
/// RnnGen.OnnxWeights, the build step behind ONNX build-time weights: it writes what the import makes of the file, or the
/// importer's message beside it for the build to report as RNN019. The targets around it run in the package consumer test.
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
}
