using RnnGen.Cli.Commands;
using RnnGen.Import.Tests.Oracles;
using RnnGen.Weights;

namespace RnnGen.Import.Tests;

/// <summary>
/// <c>rnngen import</c>, <c>verify</c> on user cases and <c>export-script</c> through the real command line. The verify
/// runs compile the declarations with this repository's generator and compare the C# models' outputs with case.json.
/// </summary>
public sealed class CliImportVerifyTests : IDisposable
{
    /// <summary>Every fixture with an ONNX file: one-layer heads over the last or every step, an MLP head, h_n of a bidirectional layer.</summary>
    public static readonly string[] OnnxFixtures =
    [
        "bigru_tagger", "bilstm_hn_head", "char_gru", "default_names", "gru_h50", "gru_reset_before_onnx", "keras_lstm_tf2onnx",
        "lstm_classifier", "lstm_no_bias_static", "rnn_relu_sigmoid", "rnn_tanh_time_major", "stacked_lstm_mlp", "two_lstm_modules",
    ];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-import-" + Guid.NewGuid().ToString("N"));

    public CliImportVerifyTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = RnnGenCommandLine.Run(args, output, error);
        return (exit, output.ToString().ReplaceLineEndings("\n"), error.ToString());
    }

    /// <summary>A copy of a fixture's case.json and the given files in a fresh directory.</summary>
    private string CaseCopy(string name, params string[] files)
    {
        string directory = Path.Combine(_directory, name);
        Directory.CreateDirectory(directory);
        foreach (string file in files.Append("case.json"))
            File.Copy(Path.Combine(Fixtures.Directory(name), file), Path.Combine(directory, file));
        return directory;
    }

    /// <summary>All imported declarations compile together in one compilation and match PyTorch's output.</summary>
    [Fact]
    public void VerifyPassesEveryOnnxFixture()
    {
        var directories = OnnxFixtures.Select(n => CaseCopy(n, "model.onnx")).ToArray();
        var (exit, output, error) = Cli(["verify", .. directories]);
        Assert.True(exit == 0, output + error);
        foreach (string name in OnnxFixtures) Assert.Matches($@"PASS  {name} \(onnx\)  y \d", output);
        Assert.EndsWith($"{OnnxFixtures.Length} passed, 0 failed\n", output);
    }

    [Fact]
    public void VerifyPassesAStateDictWithTheDeclarationGiven()
    {
        string directory = CaseCopy("default_names", "model.safetensors");
        var (exit, output, error) = Cli("verify", directory, "--declaration", Path.Combine(Fixtures.Directory("default_names"), "Model.cs"));
        Assert.True(exit == 0, output + error);
        Assert.Contains("PASS  default_names (safetensors)  y ", output);
    }

    /// <summary>The hand-written Model.cs of each fixture (Module names, MLP heads, Steps.Final) loads the module's own state_dict as it is.</summary>
    [Theory]
    [InlineData("bigru_tagger")]
    [InlineData("bilstm_hn_head")]
    [InlineData("char_gru")]
    [InlineData("gru_h50")]
    [InlineData("lstm_classifier")]
    [InlineData("lstm_no_bias_static")]
    [InlineData("rnn_relu_sigmoid")]
    [InlineData("rnn_tanh_time_major")]
    [InlineData("stacked_lstm_mlp")]
    [InlineData("two_lstm_modules")]
    public void VerifyPassesEveryStateDictWithItsContractDeclaration(string name)
    {
        string directory = CaseCopy(name, "model.safetensors");
        var (exit, output, error) = Cli("verify", directory, "--declaration", Path.Combine(Fixtures.Directory(name), "Model.cs"));
        Assert.True(exit == 0, output + error);
        Assert.Contains($"PASS  {name} (safetensors)", output);
    }

    [Fact]
    public void ImportWritesWeightsThatRecordTheirDeclarationAndVerifyUsesIt()
    {
        string directory = CaseCopy("gru_reset_before_onnx", "model.onnx");
        string declaration = Path.Combine(_directory, "Gru.cs");
        var (exit, output, error) = Cli("import", Path.Combine(directory, "model.onnx"), "-o", declaration, "--name", "Gru", "-T", "20");
        Assert.True(exit == 0, error);
        Assert.Contains($"wrote {Path.Combine(directory, "model.safetensors")} (6 tensors", output);
        Assert.Contains("Choices made:", output);
        Assert.Contains("ResetAfter = false", output);
        Assert.Equal("""
            using RnnGen;

            [RecurrentModel(InputSize = 4, SequenceLength = 20)]
            [Gru(6, ResetAfter = false)]
            [Dense(3, Activation.Softmax, Over = Steps.Last)]
            public partial class Gru { }

            """.ReplaceLineEndings("\n"), File.ReadAllText(declaration));
        var weights = SafeTensorsFile.Read(Path.Combine(directory, "model.safetensors"));
        Assert.Equal(File.ReadAllText(declaration), weights.Metadata[ImportedModel.DeclarationKey]);

        (exit, output, _) = Cli("inspect", Path.Combine(directory, "model.safetensors"));
        Assert.Equal(0, exit);
        Assert.Contains("Declaration (recorded in the file):\n\n" + File.ReadAllText(declaration), output);

        // Without model.onnx, verify compiles the declaration the weights record.
        File.Delete(Path.Combine(directory, "model.onnx"));
        (exit, output, error) = Cli("verify", directory);
        Assert.True(exit == 0, output + error);
        Assert.Contains("PASS  gru_reset_before_onnx (safetensors)", output);
    }

    [Fact]
    public void ImportPrintsTheDeclarationAndSaysWhatItNeeds()
    {
        string directory = CaseCopy("bilstm_hn_head", "model.onnx");
        var (exit, output, _) = Cli("import", Path.Combine(directory, "model.onnx"));
        Assert.Equal(0, exit);
        Assert.Contains("[Lstm(12, Bidirectional = true)]\n[Dense(3, Over = Steps.Final)]\npublic partial class Model { }", output);
        Assert.DoesNotContain("issue 14", output);
        Assert.Contains("SequenceLength = 50: the graph does not fix it", output);
    }

    [Fact]
    public void ImportKeepsAStaticExportsSequenceLength()
    {
        string directory = CaseCopy("lstm_no_bias_static", "model.onnx");
        var (exit, output, _) = Cli("import", Path.Combine(directory, "model.onnx"), "--weights-out", Path.Combine(_directory, "w.safetensors"));
        Assert.Equal(0, exit);
        Assert.Contains("[RecurrentModel(InputSize = 2, SequenceLength = 9)]", output);
        Assert.True(File.Exists(Path.Combine(_directory, "w.safetensors")));
    }

    [Fact]
    public void ImportErrorsAreOneLineWithTheirExitCodes()
    {
        var (exit, _, error) = Cli("import", Path.Combine(_directory, "missing.onnx"));
        Assert.Equal(2, exit);
        Assert.Equal($"rnngen import: {Path.Combine(_directory, "missing.onnx")}: no such file\n", error.ReplaceLineEndings("\n"));

        string garbage = Path.Combine(_directory, "garbage.onnx");
        File.WriteAllBytes(garbage, [0xff, 0xff, 0xff, 0xff, 0x0f]);
        (exit, _, error) = Cli("import", garbage);
        Assert.Equal(2, exit);
        Assert.StartsWith($"rnngen import: {garbage}: not an ONNX model", error);

        // The module's own state_dict beside model.onnx is not overwritten.
        string directory = CaseCopy("lstm_classifier", "model.onnx", "model.safetensors");
        (exit, _, error) = Cli("import", Path.Combine(directory, "model.onnx"));
        Assert.Equal(2, exit);
        Assert.Contains("exists and was not written by rnngen import; choose another file with --weights-out", error);

        // Nor is a file SaveWeights wrote, though it records a declaration as an import does.
        var compiled = RnnGen.Cli.Conformance.ModelCompiler.Compile([File.ReadAllText(Path.Combine(Fixtures.Directory("lstm_classifier"), "Model.cs"))]);
        compiled.Create("Model").SaveWeights(Path.Combine(directory, "model.safetensors"));
        (exit, _, error) = Cli("import", Path.Combine(directory, "model.onnx"));
        Assert.Equal(2, exit);
        Assert.Contains("exists and was not written by rnngen import", error);
    }

    [Fact]
    public void AnUnsupportedGraphExitsWith3NamingTheNode()
    {
        string directory = CaseCopy("lstm_classifier", "model.onnx");
        var model = Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(directory, "model.onnx")));
        model.Graph.Node.First(n => n.OpType == "Gemm").OpType = "Conv";
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), Google.Protobuf.MessageExtensions.ToByteArray(model));
        var (exit, _, error) = Cli("import", Path.Combine(directory, "model.onnx"));
        Assert.Equal(3, exit);
        Assert.Contains("node '/fc/Gemm' (Conv of '/Gather_output_0'", error);
        Assert.Single(error.Trim().Split('\n'));

        // verify reports the same as that case's failure.
        string output;
        (exit, output, _) = Cli("verify", directory);
        Assert.Equal(1, exit);
        Assert.Contains("FAIL  lstm_classifier (onnx)  error: ", output);
        Assert.Contains("(Conv of", output);
    }

    /// <summary>A declaration the generator rejects fails its case with the compiler's messages; one that does not fit the file says which tensor.</summary>
    [Theory]
    [InlineData("[Lstm(0)]", "error: the declaration did not compile:\n    ", "error RNN")]
    [InlineData("[Gru(8)]", "error: ", "rnn.weight_ih_l0")]
    public void VerifySaysWhyADeclarationFailsItsCase(string layer, string failure, string detail)
    {
        string directory = CaseCopy("default_names", "model.safetensors");
        string declaration = Path.Combine(_directory, "Declared.cs");
        File.WriteAllText(declaration, $"using RnnGen;\n[RecurrentModel(InputSize = 3, SequenceLength = 16)]\n{layer}\n[Dense(2)]\npublic partial class Declared {{ }}\n");
        var (exit, output, _) = Cli("verify", directory, "--declaration", declaration);
        Assert.Equal(1, exit);
        Assert.Contains("FAIL  default_names (safetensors)  " + failure, output);
        Assert.Contains(detail, output);
    }

    [Theory]
    [InlineData("""{"schema": "rnngen-user-case/1", "inputs": {"x": [[1, 2], [3]]}, "expected": {"y": [1]}}""", "inputs.x[1] has 1 features, inputs.x[0] has 2")]
    [InlineData("""{"schema": "rnngen-user-case/1", "inputs": {"x": [[1, 2]]}}""", "no 'expected'")]
    [InlineData("""{"schema": "rnngen-user-case/1", "inputs": {"x": [[1, 2]]}, "expected": {"y": ["a"]}}""", "expected.y holds \"a\", not a finite number")]
    [InlineData("""{"schema": "rnngen-user-case/1", "inputs": {"x": [[1, 2]]}, "expected": {"y": [1]}, "input_layout": "sideways"}""", "input_layout 'sideways'")]
    [InlineData("""{"schema": "rnngen-user-case/1", "inputs": {"x": [1, -2]}, "expected": {"y": [1]}}""", "-2 is not a non-negative integer")]
    public void AMalformedUserCaseExitsWith2AndSaysWhat(string json, string message)
    {
        string directory = CaseCopy("default_names", "model.safetensors");
        File.WriteAllText(Path.Combine(directory, "case.json"), json);
        var (exit, _, error) = Cli("verify", directory);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
    }

    [Fact]
    public void VerifyOfAStateDictWithoutDeclarationSaysHowToGiveOne()
    {
        var (exit, output, _) = Cli("verify", CaseCopy("char_gru", "model.safetensors"));
        Assert.Equal(1, exit);
        Assert.Contains("FAIL  char_gru (safetensors)  error: no declaration for", output);
        Assert.Contains("pass --declaration FILE.cs", output);

        (exit, _, string error) = Cli("verify", CaseCopy("gru_h50", "model.safetensors"), "--declaration", Path.Combine(_directory, "none.cs"));
        Assert.Equal(2, exit);
        Assert.Contains("none.cs: no such file", error);
    }

    /// <summary>The script the tool prints is the one in the repository (the one the fixtures were made with).</summary>
    [Fact]
    public void ExportScriptPrintsTheShippedScript()
    {
        var (exit, output, _) = Cli("export-script");
        Assert.Equal(0, exit);
        string repository = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "RnnGen.Cli", "Scripts", "rnngen_export.py"));
        Assert.Equal(repository.ReplaceLineEndings("\n"), output);
        Assert.Contains("def export(module, sample, out_dir", output);

        string path = Path.Combine(_directory, "rnngen_export.py");
        (exit, output, _) = Cli("export-script", "-o", path);
        Assert.Equal(0, exit);
        Assert.Equal(repository, File.ReadAllText(path));
    }
}
