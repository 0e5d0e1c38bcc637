using System.Text.Json;
using RnnGen.Cli.Commands;
using RnnGen.Cli.Conformance;
using RnnGen.Weights;

namespace RnnGen.Generator.Tests;

/// <summary>Compiles and runs every rnngen-quant-case/1 case once per low precision.</summary>
public sealed class QuantCaseFixture
{
    public QuantCaseFixture()
    {
        var cases = ConformanceFixture.CaseNames("quant").Select(n => QuantCase.Load(ConformanceFixture.CaseDirectory(n))).ToList();
        Int8 = PrecisionCheck.Run(cases, WeightPrecision.Int8);
        BFloat16 = PrecisionCheck.Run(cases, WeightPrecision.BFloat16);
    }

    public IReadOnlyList<CaseResult> Int8 { get; }
    public IReadOnlyList<CaseResult> BFloat16 { get; }
}

/// <summary>
/// The accuracy contract of low-precision models (docs/quantization.md): on the committed cases, made by PyTorch's own
/// <c>quantize_dynamic</c> (int8) and a float32 module with bfloat16-rounded weights (bf16), every model's largest output
/// error is at most 1.5 × the reference's + 1e-6. Then <c>rnngen verify --precision</c>, <c>quantize</c> and
/// <c>bench --precision</c> as a user runs them.
/// </summary>
public sealed class PrecisionTests(QuantCaseFixture fixture) : IClassFixture<QuantCaseFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnngen-precision-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = RnnGenCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static TheoryData<string> QuantCases => new(ConformanceFixture.CaseNames("quant"));

    [Fact]
    public void TheCommittedCasesCoverTheContract()
    {
        var configurations = ConformanceFixture.CaseNames("quant").Select(n =>
        {
            string directory = ConformanceFixture.CaseDirectory(n);
            var metadata = SafeTensorsFile.Read(Path.Combine(directory, "model.safetensors")).Metadata;
            return (Cell: metadata["cell"], Layers: int.Parse(metadata["num_layers"]), Head: metadata["head"], Hidden: int.Parse(metadata["hidden_size"]), QuantCase.Load(directory).Steps);
        }).ToList();
        foreach (string cell in new[] { "lstm", "gru" })
        {
            var of = configurations.Where(c => c.Cell == cell).ToList();
            Assert.Equal([1, 2], of.Select(c => c.Layers).Distinct().Order());
            Assert.Equal(["linear_every_step", "linear_last_step"], of.Select(c => c.Head).Distinct().Order());
        }
        Assert.Equal(32, configurations.Min(c => c.Hidden));
        Assert.Equal(128, configurations.Max(c => c.Hidden));
        Assert.Equal(200, configurations.Max(c => c.Steps));
    }

    [Theory]
    [MemberData(nameof(QuantCases))]
    public void Int8IsWithinOneAndAHalfTimesPyTorchsError(string name) => AssertPasses(fixture.Int8, name, "int8");

    [Theory]
    [MemberData(nameof(QuantCases))]
    public void BFloat16IsWithinOneAndAHalfTimesTheRoundedWeightsError(string name) => AssertPasses(fixture.BFloat16, name, "bf16");

    private static void AssertPasses(IReadOnlyList<CaseResult> results, string name, string precision)
    {
        var c = QuantCase.Load(ConformanceFixture.CaseDirectory(name));
        var result = Assert.Single(results, r => r.Name == $"{c.Name} ({precision})");
        Assert.Null(result.Error);
        var y = Assert.Single(result.Arrays);
        Assert.True(y.Pass, $"{c.Name}: max |y_{precision} - y| = {y.MaxAbsError:0.0e+00}, bound {y.Bound}");
    }

    [Fact]
    public void ACaseWhoseBoundIsTooTightFails()
    {
        string source = ConformanceFixture.CaseDirectory("quant/lstm_h32_L1_last");
        string directory = Path.Combine(_directory, "tight");
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(source, "model.safetensors"), Path.Combine(directory, "model.safetensors"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(source, "case.json")))!;
        json["pytorch_int8_max_abs_err"] = 1e-9;
        File.WriteAllText(Path.Combine(directory, "case.json"), json.ToJsonString());

        var (exit, output, _) = Cli("verify", directory, "--precision", "int8");

        Assert.Equal(1, exit);
        Assert.StartsWith("FAIL  lstm_h32_L1_last (int8)  y ", output);
        Assert.Contains("≤ 1.0e-06 (!)", output);
        Assert.EndsWith("0 passed, 1 failed", output.Trim());
    }

    [Fact]
    public void VerifyInAPrecisionChecksOracleCasesAgainstTheRoundedWeights()
    {
        var (exit, output, _) = Cli("verify", ConformanceFixture.CaseDirectory("shared/lstm_head_many_to_one"), ConformanceFixture.CaseDirectory("quant/gru_h32_L2_last"), "-p", "bf16");
        Assert.Equal(0, exit);
        Assert.Contains("PASS  lstm_head_many_to_one (bf16)  y ", output);
        Assert.Contains(" logits ", output);
        Assert.Contains("PASS  gru_h32_L2_last (bf16)  y ", output);
        Assert.Contains("note: gradients not checked", output);
        Assert.Contains("note: low-precision bounds are 1.5 × a reference's largest error + 1e-6", output);
        Assert.EndsWith("2 passed, 0 failed", output.Trim());
    }

    [Fact]
    public void QuantizeWritesI8WeightsThatLoadAndReportsTheError()
    {
        string input = Path.Combine(ConformanceFixture.CaseDirectory("quant/gru_h64_L1_every"), "model.safetensors");
        string output = Path.Combine(_directory, "gru.int8.safetensors");

        var (exit, text, error) = Cli("quantize", input, "-o", output, "--precision", "int8", "--steps", "20");

        Assert.True(exit == 0, error);
        var file = SafeTensorsFile.Read(output);
        Assert.Equal(SafeTensor.Int8, file["rnn.weight_hh_l0"].DType);
        Assert.Equal([192], file["rnn.weight_hh_l0_scale"].Shape);
        Assert.Equal(SafeTensor.Float32, file["head.weight"].DType);
        Assert.Equal(SafeTensorsFile.Read(input).Metadata, file.Metadata);
        Assert.Contains("Recurrent weights: 14,400 bytes in int8 (0.280× of float32's 51,456, scales included)", text); // 192 · (3 + 64) weights, 2 · 192 scales
        Assert.Matches(@"max \|y_int8 - y_float32\| = \d\.\de-0[3-6] ", text);

        // A quantized file is not quantized again; float32 is not a target.
        (exit, _, error) = Cli("quantize", output, "-o", Path.Combine(_directory, "again.safetensors"), "-p", "bf16");
        Assert.Equal(2, exit);
        Assert.Contains("is I8 already", error);
        (exit, _, error) = Cli("quantize", input, "-o", Path.Combine(_directory, "f.safetensors"), "-p", "float32");
        Assert.Equal(2, exit);
        Assert.Contains("--precision must be int8 or bf16", error);
        (exit, _, error) = Cli("quantize", input, "-o", Path.Combine(_directory, "f.safetensors"));
        Assert.Equal(2, exit);
        Assert.Contains("--precision", error);
    }

    [Fact]
    public void BenchInAPrecisionTimesStepAndForwardWithoutAllocating()
    {
        var output = new StringWriter();
        int exit = BenchCommand.Run(Path.Combine(ConformanceFixture.CaseDirectory("quant/lstm_h128_L1_last"), "model.safetensors"),
            new RnnGen.Cli.Inspection.InferenceOptions(SequenceLength: 10), iterations: 20, warmup: 5, output, warmupMilliseconds: 0, precision: WeightPrecision.Int8);
        Assert.Equal(0, exit);
        string text = output.ToString();
        string[] lines = text.Split('\n');
        foreach (string method in new[] { "Step", "Forward" })
            Assert.Contains(" 0 B ", Assert.Single(lines, l => l.StartsWith(method + " ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("Backward", StringComparison.Ordinal));
        Assert.Contains("Recurrent weights: 77,824 bytes in int8 (0.264× of float32's 294,912, scales included)", text); // 512 · (16 + 128) weights, 2 · 512 scales
        Assert.Contains("layer 0, LSTM(128): 8 blocks of 16; int8 products", text);
    }

    [Fact]
    public void BatchAndALowPrecisionDoNotCombine()
    {
        // A low-precision model has no Batch (docs/quantization.md): both commands say so instead of running float32.
        var (exit, _, error) = Cli("verify", ConformanceFixture.CaseDirectory("shared/lstm_head_many_to_one"), "--batch", "3", "-p", "int8");
        Assert.Equal(2, exit);
        Assert.Contains("--batch and --precision int8 do not combine: a low-precision model has no Batch", error);
        (exit, _, error) = Cli("bench", Path.Combine(ConformanceFixture.CaseDirectory("quant/lstm_h32_L1_last"), "model.safetensors"), "--batch", "4", "-p", "bf16");
        Assert.Equal(2, exit);
        Assert.Contains("--batch and --precision bf16 do not combine", error);
    }

    [Fact]
    public void AFileSavedByAnInt8ModelRecordsItsPrecisionAndBenchesAsInt8()
    {
        string source = DeclarationPrecision.Apply("namespace Saved;\n[global::RnnGen.RecurrentModel(InputSize = 16, SequenceLength = 10)][global::RnnGen.Lstm(128)][global::RnnGen.Dense(1)] public partial class Detector { }", WeightPrecision.Int8);
        var models = ModelCompiler.Compile([source]);
        var model = models.Create("Saved.Detector");
        model.LoadWeights(Path.Combine(ConformanceFixture.CaseDirectory("quant/lstm_h128_L1_last"), "model.safetensors"));
        string path = Path.Combine(_directory, "detector.int8.safetensors");
        model.SaveWeights(path);
        Assert.Contains("Precision = WeightPrecision.Int8", SafeTensorsFile.Read(path).Metadata[WeightsMetadata.Declaration]);

        var (exit, output, error) = Cli("bench", path, "-n", "5", "--warmup", "1");
        Assert.True(exit == 0, error);
        Assert.Contains("Recurrent weights: 77,824 bytes in int8", output);
        Assert.Contains("layer 0, LSTM(128): 8 blocks of 16; int8 products", output);
        (exit, _, error) = Cli("bench", path, "--batch", "4");
        Assert.Equal(2, exit);
        Assert.Contains("its recorded declaration is in int8, and a low-precision model has no Batch", error);
    }

    [Theory]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4, Precision = WeightPrecision.Int8)] class M { }", true)]
    [InlineData("[global::RnnGen.RecurrentModel(Precision = global::RnnGen.WeightPrecision.Float32)] class M { }", true)]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4, Activations = ActivationPrecision.Exact)] class M { }", false)]
    [InlineData("[RecurrentModel] class M { }", false)]
    public void ADeclaredPrecisionIsFound(string source, bool declares) => Assert.Equal(declares, DeclarationPrecision.Declares(source));

    [Theory]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4)]", "[RecurrentModel(InputSize = 2, SequenceLength = 4, Precision = global::RnnGen.WeightPrecision.Int8)]")]
    [InlineData("[global::RnnGen.RecurrentModel(SequenceLength = 4, Precision = WeightPrecision.BFloat16)]", "[global::RnnGen.RecurrentModel(SequenceLength = 4, Precision = global::RnnGen.WeightPrecision.Int8)]")]
    [InlineData("[RecurrentModel]", "[RecurrentModel(Precision = global::RnnGen.WeightPrecision.Int8)]")]
    [InlineData("[RecurrentModelAttribute(SequenceLength = 4) ]", "[RecurrentModelAttribute(SequenceLength = 4, Precision = global::RnnGen.WeightPrecision.Int8) ]")]
    public void APrecisionIsSetOnTheDeclarationsAttribute(string attribute, string expected)
    {
        Assert.Equal(expected + "[Lstm(3)] class M { }", DeclarationPrecision.Apply(attribute + "[Lstm(3)] class M { }", WeightPrecision.Int8));
        Assert.Throws<CaseFormatException>(() => DeclarationPrecision.Apply("[Lstm(3)] class M { }", WeightPrecision.Int8));
    }
}
