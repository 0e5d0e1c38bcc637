using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Cli.Commands;
using RnnGen.Cli.Conformance;
using RnnGen.Cli.Inspection;
using RnnGen.Generator.Helpers;
using RnnGen.Import.Model;
using RnnGen.Generator.Parsing;
using RnnGen.Weights;

namespace RnnGen.Generator.Tests;

/// <summary>
/// <c>rnngen inspect</c>, <c>emit</c> and <c>bench</c> as a user runs them: through the command line, on the shared
/// PyTorch exports and on broken input, checking output and exit codes.
/// </summary>
public sealed class CliCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-cli-" + Guid.NewGuid().ToString("N"));

    public CliCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = RnnGenCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string Shared(string name) => Path.Combine(ConformanceFixture.CaseDirectory("shared/" + name), "model.safetensors");

    /// <summary>Writes a safetensors file of zero-filled F32 tensors with the given names and shapes.</summary>
    private string Weights(string fileName, params (string Name, int[] Shape)[] tensors)
    {
        string path = Path.Combine(_directory, fileName);
        new SafeTensorsFile(tensors.Select(t => new SafeTensor(t.Name, t.Shape, new float[t.Shape.Aggregate(1, (a, d) => a * d)]))).Write(path);
        return path;
    }

    [Fact]
    public void InspectPrintsTheArchitectureAndADeclarationToPaste()
    {
        var (exit, output, error) = Cli("inspect", Shared("lstm_head_many_to_one"), "--name", "Gesture", "--sequence-length", "20");
        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("rnn l0         LSTM  hidden 8  (rnn.weight_ih_l0 [32, 4], rnn.weight_hh_l0 [32, 8]", output);
        Assert.Contains("dense 0        Dense 5 over the last step  (head.weight [5, 8], head.bias [5])", output);
        Assert.Contains("""
            [RecurrentModel(InputSize = 4, SequenceLength = 20)]
            [Lstm(8)]
            [Dense(5, Over = Steps.Last)]
            public partial class Gesture { }
            """.ReplaceLineEndings("\n"), output.ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// Every shared PyTorch export, with its metadata stripped so only names and shapes speak, infers a declaration that
    /// the generator compiles and whose model loads the file: every tensor found with its exact shape.
    /// </summary>
    [Fact]
    public void EverySharedExportInfersADeclarationWhoseModelLoadsIt()
    {
        var names = ConformanceFixture.CaseNames("shared").Select(n => n["shared/".Length..]).ToList();
        var sources = new List<string>();
        for (int i = 0; i < names.Count; i++)
        {
            var header = WeightsFileReader.ReadHeader(Shared(names[i]));
            var inferred = ArchitectureInference.Infer(header with { Metadata = EquatableArray<WeightsFileMetadata>.Empty }, new InferenceOptions("Case" + i, "Inferred"));
            Assert.True(inferred.Model is not null, $"{names[i]}: {string.Join("; ", inferred.Errors)}");
            Assert.Empty(inferred.Warnings);
            AssertAgreesWithMetadata(names[i], inferred.Model!, header);
            sources.Add(inferred.Declaration()!);
        }
        var models = ModelCompiler.Compile(sources);
        for (int i = 0; i < names.Count; i++)
            models.Create("Inferred.Case" + i).LoadWeights(Shared(names[i]));
    }

    private static void AssertAgreesWithMetadata(string name, ModelDescription spec, WeightsFileHeader header)
    {
        string cell = header.MetadataValue("cell")!;
        int layers = int.Parse(header.MetadataValue("num_layers")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(layers, spec.Layers.Count);
        foreach (var layer in spec.Layers)
        {
            // Without metadata, relu and tanh RNNs are indistinguishable: the documented default is tanh.
            var expected = cell switch { "lstm" => CellType.Lstm, "gru" => CellType.Gru, _ => CellType.Rnn };
            Assert.True(expected == layer.Cell && !layer.Relu, $"{name}: {layer.Cell}, expected {expected}");
            Assert.Equal(header.MetadataValue("hidden_size"), layer.HiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(header.MetadataValue("proj_size"), layer.ProjectionSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(header.MetadataValue("bidirectional") == "true", layer.Bidirectional);
            Assert.Equal(header.MetadataValue("bias") == "true", layer.Bias);
        }
        Assert.Equal(header.MetadataValue("input_size"), spec.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(header.MetadataValue("head") != "none", spec.Head.Count == 1);
        Assert.DoesNotContain(spec.Layers, l => l.Module is not null);
    }

    [Fact]
    public void MetadataSettlesReluAndEveryStepHeads()
    {
        var (exit, output, _) = Cli("inspect", Shared("rnn_relu_small_L1_uni_bias"));
        Assert.Equal(0, exit);
        Assert.Contains("[Rnn(5, Activation = Activation.Relu)]", output);
        Assert.DoesNotContain("Activation = Tanh", output);

        (exit, output, _) = Cli("inspect", Shared("char_rnn_hello"));
        Assert.Equal(0, exit);
        Assert.Contains("[Dense(4, Over = Steps.Every)]", output);
    }

    [Fact]
    public void WithoutMetadataInspectSaysWhichDefaultsItChoseAndHowToOverride()
    {
        string gru = Weights("gru.safetensors", ("weight_ih_l0", [48, 6]), ("weight_hh_l0", [48, 16]));
        var (exit, output, _) = Cli("inspect", gru);
        Assert.Equal(0, exit);
        Assert.Contains("GRU ResetAfter = true", output);
        Assert.Contains("ResetAfter = false", output);
        Assert.Contains("[Gru(16, Bias = false)]", output);
        Assert.Contains("public partial class Gru { }", output);

        string rnn = Weights("elman.safetensors", ("rnn.weight_ih_l0", [8, 3]), ("rnn.weight_hh_l0", [8, 8]), ("head.weight", [2, 8]));
        (exit, output, _) = Cli("inspect", rnn);
        Assert.Equal(0, exit);
        Assert.Contains("Activation = Activation.Relu", output);
        Assert.Contains("Over = Steps.Every", output);
        Assert.Contains("[Dense(2, Over = Steps.Last, Bias = false)]", output);
    }

    [Fact]
    public void ModulesKeepTheirNamesAndUnknownTensorsAreReportedByName()
    {
        string path = Weights("fc.safetensors", ("gru.weight_ih_l0", [48, 6]), ("gru.weight_hh_l0", [48, 16]), ("fc.weight", [4, 16]), ("fc.bias", [4]), ("gru.scale", [16]), ("proj.weight", [3, 7]));
        var (exit, output, _) = Cli("inspect", path);
        Assert.Equal(0, exit);
        Assert.Contains("dense 0        Dense 4 over the last step  (fc.weight [4, 16], fc.bias [4])", output);
        Assert.Contains("[Gru(16, Bias = false, Module = \"gru\")]", output);
        Assert.Contains("[Dense(4, Module = \"fc\", Over = Steps.Last)]", output);
        Assert.Contains("gru.scale [16]: not understood", output);
        Assert.Contains("proj.weight [3, 7]: a Linear layer [3, 7] that does not continue the head", output);
    }

    [Fact]
    public void ALinearThatDoesNotReadTheTopLayerIsListedNotDeclared()
    {
        string path = Weights("head.safetensors", ("rnn.weight_ih_l0", [32, 3]), ("rnn.weight_hh_l0", [32, 8]), ("head.weight", [3, 5]));
        var (exit, output, _) = Cli("inspect", path);
        Assert.Equal(0, exit);
        Assert.Contains("head.weight [3, 5]: a Linear layer [3, 5] that does not continue the head (it reads 5 floats; the head's last layer gives 8)", output);
        Assert.DoesNotContain("[Dense(", output);
    }

    [Theory]
    [InlineData("gates", "weight_hh_l0 [10, 5]: rows must be 4·H (LSTM), 3·H (GRU) or H (RNN)")]
    [InlineData("stack", "weight_ih_l1 [32, 7] takes 7 inputs, but the layer below outputs 8 floats per step")]
    [InlineData("gap", "layer 1 has none")]
    [InlineData("reverse", "weight_hh_l0_reverse [32, 4] differs from weight_hh_l0 [32, 8]")]
    [InlineData("bias", "bias_ih_l0 [32] has no bias_hh_l0 beside it")]
    [InlineData("modules", "recurrent tensors under 2 modules ('a', 'b') that do not stack")]
    [InlineData("embedding", "embedding.weight [10, 4] looks like an embedding table, but its rows have 4 floats and the first recurrent layer reads 3")]
    [InlineData("conv", "no recurrent tensors")]
    public void InconsistentOrUnsupportedTensorsExitWith3AndNameTheTensor(string kind, string message)
    {
        (string, int[])[] tensors = kind switch
        {
            "gates" => [("weight_ih_l0", [10, 3]), ("weight_hh_l0", [10, 5])],
            "stack" => [("weight_ih_l0", [32, 3]), ("weight_hh_l0", [32, 8]), ("weight_ih_l1", [32, 7]), ("weight_hh_l1", [32, 8])],
            "gap" => [("weight_ih_l0", [32, 3]), ("weight_hh_l0", [32, 8]), ("weight_ih_l2", [32, 8]), ("weight_hh_l2", [32, 8])],
            "reverse" => [("weight_ih_l0", [32, 3]), ("weight_hh_l0", [32, 8]), ("weight_ih_l0_reverse", [32, 3]), ("weight_hh_l0_reverse", [32, 4])],
            "bias" => [("weight_ih_l0", [32, 3]), ("weight_hh_l0", [32, 8]), ("bias_ih_l0", [32])],
            "modules" => [("a.weight_ih_l0", [32, 3]), ("a.weight_hh_l0", [32, 8]), ("b.weight_ih_l0", [32, 7]), ("b.weight_hh_l0", [32, 8])],
            "embedding" => [("embedding.weight", [10, 4]), ("rnn.weight_ih_l0", [32, 3]), ("rnn.weight_hh_l0", [32, 8])],
            _ => [("conv.weight", [8, 3, 3])],
        };
        var (exit, output, error) = Cli("inspect", Weights(kind + ".safetensors", tensors));
        Assert.Equal(3, exit);
        Assert.Contains(message, output);
        Assert.Contains("no RnnGen model fits these tensors", error);
        Assert.DoesNotContain("Declaration:", output);
    }

    [Fact]
    public void UnreadableFilesExitWith2AndSayWhy()
    {
        var (exit, _, error) = Cli("inspect", Path.Combine(_directory, "missing.safetensors"));
        Assert.Equal(2, exit);
        Assert.Contains("missing.safetensors: no such file", error);

        string truncated = Path.Combine(_directory, "truncated.safetensors");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Shared("lstm_small_L1_uni_bias"))[..900]);
        (exit, _, error) = Cli("inspect", truncated);
        Assert.Equal(2, exit);
        Assert.Contains("the file is truncated", error);

        string pickle = Path.Combine(_directory, "model.pt");
        File.WriteAllBytes(pickle, [(byte)'P', (byte)'K', 3, 4, .. new byte[200]]);
        (exit, _, error) = Cli("inspect", pickle);
        Assert.Equal(2, exit);
        Assert.Contains("not a readable safetensors file", error);
        Assert.Contains("PyTorch checkpoint", error);
        Assert.Contains("docs/weights.md", error);

        string empty = Path.Combine(_directory, "empty.safetensors");
        File.WriteAllBytes(empty, []);
        (exit, _, error) = Cli("inspect", empty);
        Assert.Equal(2, exit);
        Assert.Contains("0 bytes long", error);

        string notJson = Path.Combine(_directory, "text.safetensors");
        File.WriteAllBytes(notJson, [4, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x', (byte)'}', (byte)' ']);
        (exit, _, error) = Cli("inspect", notJson);
        Assert.Equal(2, exit);
        Assert.Contains("not valid JSON", error);
    }

    /// <summary>A path of the given kind that no command can use as a weights file.</summary>
    private string UnusableFile(string kind, string extension = ".safetensors")
    {
        string path = Path.Combine(_directory, kind + extension);
        switch (kind)
        {
            case "directory":
                Directory.CreateDirectory(path);
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "random":
                File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
                break;
            case "pytorch":
                // What torch.save writes: a zip archive of pickles.
                path = Path.Combine(_directory, "model.pt");
                using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
                using (var entry = zip.CreateEntry("archive/data.pkl").Open())
                    entry.Write([0x80, 0x02, (byte)'}', (byte)'q', 0x00, (byte)'.']);
                break;
        }
        return path;
    }

    public static TheoryData<string, string, string> UnusableInputs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string command in new[] { "inspect", "emit", "bench" })
        {
            data.Add(command, "missing", "missing.safetensors: no such file");
            data.Add(command, "directory", "directory.safetensors: is a directory, not a file");
            data.Add(command, "empty", "empty.safetensors: not a readable safetensors file: the file is 0 bytes long");
            data.Add(command, "random", "random.safetensors: not a readable safetensors file: the header length");
            data.Add(command, "pytorch", "model.pt: not a readable safetensors file: the header length");
        }
        return data;
    }

    /// <summary>Every command that reads a weights file fails the same way on each kind of unusable path: one line, exit code 2.</summary>
    [Theory]
    [MemberData(nameof(UnusableInputs))]
    public void EveryCommandRejectsAnUnusableFileWithOneLineAndExitCode2(string command, string kind, string message)
    {
        string path = UnusableFile(kind);
        string[] args = command == "emit" ? [command, path, "-o", Path.Combine(_directory, "out.cs")] : [command, path];

        var (exit, output, error) = Cli(args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"rnngen {command}: {Path.Combine(_directory, message)}", line);
        Assert.False(File.Exists(Path.Combine(_directory, "out.cs")));
    }

    [Theory]
    [InlineData("emit", "missing", ".cs", "missing.cs: no such file")]
    [InlineData("emit", "directory", ".cs", "directory.cs: is a directory, not a file")]
    [InlineData("verify", "missing", "", "missing: no such directory")]
    [InlineData("verify", "pytorch", "", "model.pt: is a file, not a case directory")]
    [InlineData("verify", "directory", "", "directory: no case.json in it or in its subdirectories")]
    public void SpecsAndCaseDirectoriesAreCheckedTheSameWay(string command, string kind, string extension, string message)
    {
        string path = UnusableFile(kind, extension);
        string[] args = command == "emit" ? [command, path, "-o", Path.Combine(_directory, "out.cs")] : [command, path];

        var (exit, _, error) = Cli(args);

        Assert.Equal(2, exit);
        Assert.Equal($"rnngen {command}: {Path.Combine(_directory, message)}", error.TrimEnd());
    }

    [Theory]
    [InlineData(new[] { "inspect" }, "Required argument missing")]
    [InlineData(new[] { "inspect", "a.safetensors", "--sequence-length", "0" }, "--sequence-length must be positive")]
    [InlineData(new[] { "inspect", "a.safetensors", "--name", "class" }, "is not a C# identifier")]
    [InlineData(new[] { "emit", "a.safetensors" }, "'--output' is required")]
    [InlineData(new[] { "bench", "a.safetensors", "-n", "0" }, "--iterations must be positive")]
    [InlineData(new[] { "bench", "a.safetensors", "--warmup-ms", "-1" }, "--warmup-ms must be 0 to 60000")]
    [InlineData(new[] { "frobnicate" }, "Unrecognized command or argument 'frobnicate'")]
    [InlineData(new string[0], "Required command was not provided")]
    public void BadArgumentsExitWith2(string[] args, string message)
    {
        var (exit, _, error) = Cli(args);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.Contains("--help' for usage", error);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("emit")]
    [InlineData("verify")]
    [InlineData("bench")]
    [InlineData("quantize")]
    public void EveryCommandHasHelp(string command)
    {
        var (exit, output, _) = Cli(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains($"rnngen {command} ", output);
        Assert.Contains("Options:", output);
    }

    [Fact]
    public void EmitFromWeightsWritesASourceThatCompilesWithoutTheGenerator()
    {
        string target = Path.Combine(_directory, "out", "Gesture.g.cs");
        var (exit, output, _) = Cli("emit", Shared("lstm_head_many_to_one"), "-o", target, "--name", "Gesture", "--namespace", "Engine.Models");
        Assert.Equal(0, exit);
        Assert.Contains($"wrote {target}", output);
        string source = File.ReadAllText(target);
        Assert.StartsWith("// <auto-generated/>", source);
        Assert.Contains("partial class Gesture : global::RnnGen.IStepModel", source);

        // An engine's compiler, no generator: the file alone compiles against the runtime, and the model loads the weights.
        var compilation = CSharpCompilation.Create("Engine", [CSharpSyntaxTree.ParseText(source)], ModelCompiler.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var assembly = System.Reflection.Assembly.Load(image.ToArray());
        var model = (IRecurrentModel)Activator.CreateInstance(assembly.GetType("Engine.Models.Gesture")!)!;
        model.LoadWeights(Shared("lstm_head_many_to_one"));
    }

    [Fact]
    public void EmitFromASpecWritesOneFilePerModel()
    {
        string spec = Path.Combine(_directory, "Models.cs");
        File.WriteAllText(spec, """
            using RnnGen;
            namespace Demo;
            [RecurrentModel(InputSize = 6, SequenceLength = 50)][Lstm(32)][Dense(4, Activation.Softmax)] public partial class A { }
            [RecurrentModel(InputSize = 6, SequenceLength = 50)][Gru(8, ResetAfter = false)] public partial class B { }
            """);
        var (exit, _, error) = Cli("emit", spec, "-o", Path.Combine(_directory, "one.g.cs"));
        Assert.Equal(2, exit);
        Assert.Contains("declares 2 models; give a directory", error);

        string directory = Path.Combine(_directory, "generated") + Path.DirectorySeparatorChar;
        (exit, _, _) = Cli("emit", spec, "-o", directory);
        Assert.Equal(0, exit);
        Assert.Contains("GRU(8, reset before)", File.ReadAllText(Path.Combine(directory, "Demo.B.g.cs")));
        Assert.Contains("Dense(4, Softmax)", File.ReadAllText(Path.Combine(directory, "Demo.A.g.cs")));
    }

    [Fact]
    public void EmitChecksBuildTimeWeightsBesideTheSpecAndJoinsTheModelsParts()
    {
        File.Copy(Shared("lstm_head_many_to_one"), Path.Combine(_directory, "w.safetensors"));
        string spec = Path.Combine(_directory, "Net.cs");
        File.WriteAllText(spec, "using RnnGen;\n[RecurrentModel(InputSize = 4, SequenceLength = 10, Weights = \"w.safetensors\")][Lstm(8)][Dense(5)] public partial class Net { }\n");
        string target = Path.Combine(_directory, "Net.g.cs");
        var (exit, output, _) = Cli("emit", spec, "-o", target);
        Assert.Equal(0, exit);
        Assert.Contains("manifest resource 'RnnGen.Weights/w.safetensors'", output);
        string source = File.ReadAllText(target);
        Assert.Contains("public Net() : this(global::RnnGen.Kernels.AlignedArrays.Allocate(ParameterCount + ParameterPadding, out int origin), origin, new float[ParameterCount]) { LoadEmbeddedWeights(); }", source);
        Assert.Contains("private void LoadEmbeddedWeights()", source);
        var compilation = CSharpCompilation.Create("Engine", [CSharpSyntaxTree.ParseText(source)], ModelCompiler.References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);

        File.WriteAllText(spec, File.ReadAllText(spec).Replace("[Lstm(8)]", "[Lstm(7)]"));
        string error;
        (exit, _, error) = Cli("emit", spec, "-o", target);
        Assert.Equal(2, exit);
        Assert.Contains("error RNN018: Weights file 'w.safetensors' does not fit model 'Net': tensor 'rnn.weight_hh_l0' has shape [32, 8] in the file but [28, 7] in the declaration", error);
    }

    [Fact]
    public void EmitReportsInvalidDeclarationsAndMissingModels()
    {
        string spec = Path.Combine(_directory, "Bad.cs");
        File.WriteAllText(spec, "using RnnGen;\n[RecurrentModel(InputSize = 6)][Lstm(3)] public partial class C { }\n");
        var (exit, _, error) = Cli("emit", spec, "-o", Path.Combine(_directory, "x.g.cs"));
        Assert.Equal(2, exit);
        Assert.Contains("Bad.cs(2,2): error RNN013", error);

        File.WriteAllText(spec, "public class Plain { }\n");
        (exit, _, error) = Cli("emit", spec, "-o", Path.Combine(_directory, "x.g.cs"));
        Assert.Equal(2, exit);
        Assert.Contains("no class marked [RecurrentModel]", error);

        (exit, _, error) = Cli("emit", Path.Combine(_directory, "nothing.cs"), "-o", Path.Combine(_directory, "x.g.cs"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file", error);

        string unsupported = Weights("bad.safetensors", ("weight_ih_l0", [10, 3]), ("weight_hh_l0", [10, 5]));
        (exit, _, error) = Cli("emit", unsupported, "-o", Path.Combine(_directory, "x.g.cs"));
        Assert.Equal(3, exit);
        Assert.Contains("weight_hh_l0 [10, 5]", error);
        Assert.False(File.Exists(Path.Combine(_directory, "x.g.cs")));
    }

    [Fact]
    public void BenchTimesEveryMethodAndFindsNoAllocations()
    {
        var output = new StringWriter();
        int exit = BenchCommand.Run(Shared("lstm_head_many_to_one"), new InferenceOptions(SequenceLength: 10), iterations: 20, warmup: 5, output, warmupMilliseconds: 0);
        Assert.Equal(0, exit);
        string[] lines = output.ToString().Split('\n');
        foreach (string method in new[] { "Step", "Forward", "Backward" })
        {
            string line = Assert.Single(lines, l => l.StartsWith(method + " ", StringComparison.Ordinal));
            Assert.Contains(" 0 B ", line);
        }

        // Bidirectional: no Step row.
        output = new StringWriter();
        Assert.Equal(0, BenchCommand.Run(Shared("gru_small_L1_bi_bias"), new InferenceOptions(), iterations: 5, warmup: 1, output, warmupMilliseconds: 0));
        Assert.DoesNotContain("\nStep ", output.ToString());
    }

    [Fact]
    public void BenchCountsTheFlopsOfEveryMatrixProduct()
    {
        var spec = ArchitectureInference.Infer(WeightsFileReader.ReadHeader(Shared("lstm_proj_small_L2_bi_bias")), new InferenceOptions()).Model!;
        var (step, head) = BenchCommand.Flops(spec);
        // Layer 0: 2 directions × (2·20·(3 + 2) + 2·2·5); layer 1 reads 4 floats: 2 × (2·20·(4 + 2) + 2·2·5).
        Assert.Equal(2 * (200 + 20) + 2 * (240 + 20), step);
        Assert.Equal(0, head);
    }

    /// <summary>An LSTM(<paramref name="hidden"/>) over 4 inputs with a Dense(1) head, zero weights.</summary>
    private string Lstm(int hidden) => Weights($"lstm{hidden}.safetensors",
        ("rnn.weight_ih_l0", [4 * hidden, 4]), ("rnn.weight_hh_l0", [4 * hidden, hidden]), ("rnn.bias_ih_l0", [4 * hidden]), ("rnn.bias_hh_l0", [4 * hidden]),
        ("fc.weight", [1, hidden]), ("fc.bias", [1]));

    [Theory]
    [InlineData(10, 8)]
    [InlineData(12, 8)]
    [InlineData(13, 16)]
    [InlineData(20, 16)]
    [InlineData(37, 40)]
    [InlineData(50, 48)]
    [InlineData(100, 96)]
    [InlineData(9, 8)]
    public void VectorGridMovesAnOffGridSizeToTheNearestMultipleOf8(int size, int nearest)
    {
        Assert.True(VectorGrid.Off(size));
        Assert.Equal(nearest, VectorGrid.Nearest(size));
        var model = new ModelDescription(4, null, [new RecurrentLayer(CellType.Lstm, size), new RecurrentLayer(CellType.Gru, 64)], [new DenseLayer(1)]);
        var (twin, moves) = VectorGrid.Twin(model)!.Value;
        Assert.Equal([nearest, 64], twin.Layers.Select(l => l.HiddenSize));
        Assert.Equal($"layer 0 H = {size} → {nearest}", Assert.Single(moves).ToString());
    }

    [Fact]
    public void VectorGridLeavesOnGridAndNarrowSizesAndKeepsAProjectionBelowItsHiddenSize()
    {
        foreach (int size in new[] { 1, 3, 5, 8, 16, 48, 200 })
            Assert.False(VectorGrid.Off(size));
        Assert.Null(VectorGrid.Twin(new ModelDescription(3, null, [new RecurrentLayer(CellType.Gru, 5), new RecurrentLayer(CellType.Lstm, 48, ProjectionSize: 16)], [])));
        // H = 20 → 16, P = 13 → 16 would not stay below H: P stays.
        var (twin, moves) = VectorGrid.Twin(new ModelDescription(3, null, [new RecurrentLayer(CellType.Lstm, 20, ProjectionSize: 13)], []))!.Value;
        Assert.Equal((16, 13), (twin.Layers[0].HiddenSize, twin.Layers[0].ProjectionSize));
        Assert.Equal("layer 0 H = 20 → 16", Assert.Single(moves).ToString());
        (twin, moves) = VectorGrid.Twin(new ModelDescription(3, null, [new RecurrentLayer(CellType.Lstm, 100, ProjectionSize: 50)], []))!.Value;
        Assert.Equal((96, 48), (twin.Layers[0].HiddenSize, twin.Layers[0].ProjectionSize));
        Assert.Equal(["layer 0 H = 100 → 96", "layer 0 P = 50 → 48"], moves.Select(m => m.ToString()));
    }

    [Fact]
    public void InspectNamesALayerOffTheVectorGridAndTheSizesThatAvoidIt()
    {
        var (exit, output, error) = Cli("inspect", Lstm(50));
        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Contains("Speed:", output);
        Assert.Contains("layer 0: H = 50 is off the vector grid (multiples of 8)", output);
        Assert.Contains("H = 48 or 56 avoids that", output);

        (exit, output, _) = Cli("inspect", Lstm(48));
        Assert.Equal(0, exit);
        Assert.DoesNotContain("Speed:", output);
    }

    [Fact]
    public void BenchTimesAnOffGridModelAgainstItsOnGridTwinAndWarnsWhenItIsFarSlower()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, BenchCommand.Run(Lstm(50), new InferenceOptions(SequenceLength: 10), iterations: 50, warmup: 20, output, warmupMilliseconds: 0, error));
        var lines = output.ToString().Split('\n').Where(l => l.StartsWith("Vector grid: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        string line = lines[0];
        Assert.Contains("Step costs ", line);
        // The inference copy's Step against the twin's inference copy, measured the same way.
        Assert.StartsWith("Vector grid: the inference copy's Step costs ", lines[1]);
        Assert.Contains("of its on-grid twin's inference copy (layer 0 H = 50 → 48: ", lines[1]);
        Assert.Contains(output.ToString().Split('\n'), l => l.StartsWith("Inference ", StringComparison.Ordinal));
        Assert.Contains("of its on-grid twin (layer 0 H = 50 → 48: ", line);
        double ratio = double.Parse(line["Vector grid: Step costs ".Length..line.IndexOf('×')], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ratio > 0);
        // The warning is there exactly when the measured ratio is above the tolerance, and names the sizes that avoid it.
        double inferenceRatio = double.Parse(lines[1]["Vector grid: the inference copy's Step costs ".Length..lines[1].IndexOf('×')], System.Globalization.CultureInfo.InvariantCulture);
        var warnings = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((ratio > VectorGrid.Tolerance ? 1 : 0) + (inferenceRatio > VectorGrid.Tolerance ? 1 : 0), warnings.Length);
        Assert.All(warnings, w => Assert.Contains("layer 0 H = 48 or 56 would avoid that", w));
        Assert.Equal(ratio > VectorGrid.Tolerance, warnings.Any(w => w.Contains("multiply-add of Step costs", StringComparison.Ordinal)));

        // The command line's --warmup-ms reaches the timing: the header says how long each method warmed up.
        var (exit, cliOutput, _) = Cli("bench", Lstm(48), "-n", "3", "--warmup", "1", "--warmup-ms", "0");
        Assert.Equal(0, exit);
        Assert.Contains("3 calls each after at least 1 warm-up calls and 0 ms", cliOutput);

        // On the grid: no twin, no line.
        output = new StringWriter();
        Assert.Equal(0, BenchCommand.Run(Lstm(48), new InferenceOptions(SequenceLength: 10), iterations: 5, warmup: 1, output, warmupMilliseconds: 0));
        Assert.DoesNotContain("Vector grid:", output.ToString());
    }

    [Fact]
    public void BenchWithBatchTimesTheBatchedStepPerEntity()
    {
        var output = new StringWriter();
        Assert.Equal(0, BenchCommand.RunBatch(Shared("lstm_head_many_to_one"), new InferenceOptions(), entities: 40, threads: 2, iterations: 10, warmup: 2, output, warmupMilliseconds: 0));
        string text = output.ToString();
        Assert.Matches(@"batch 40: \d+\.\d ns per entity-step, \d+\.\d GFLOP/s \(\d+\.\d% of FMA peak\)", text);
        Assert.Contains(", 0 B allocated per call", text);
        Assert.Contains(RnnGen.Kernels.KernelSelection.Avx512 ? "path Lanes16" : "path PerEntity", text);

        var (exit, _, error) = Cli("bench", Shared("gru_small_L1_bi_bias"), "--batch", "4");
        Assert.Equal(2, exit);
        Assert.Contains("no Step to time", error);
        (exit, _, error) = Cli("bench", Shared("lstm_head_many_to_one"), "--batch", "70000");
        Assert.Equal(2, exit);
        Assert.Contains("--batch must be 1 to 65536", error);
    }

    [Fact]
    public void BenchOfAnUnreadableFileExitsWith2()
    {
        var (exit, _, error) = Cli("bench", Path.Combine(_directory, "missing.safetensors"));
        Assert.Equal(2, exit);
        Assert.Contains("no such file", error);
    }
}
