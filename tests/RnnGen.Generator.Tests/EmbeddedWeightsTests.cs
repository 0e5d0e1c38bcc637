using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Weights;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Build-time weights: the generator checks the weights description the build targets write against the declaration
/// (RNN017 not in the build, RNN018 a tensor that does not fit, RNN019 unreadable) and emits a loader for the embedded
/// resource. The targets themselves are exercised by the package consumer test in RnnGen.IntegrationTests.
/// </summary>
public class EmbeddedWeightsTests
{
    private const string Declaration = """
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 4, SequenceLength = 10, Weights = "models/gesture.safetensors")]
        [Lstm(8)]
        [Dense(5, Over = Steps.Last)]
        public partial class Gesture { }
        """;

    private static string CaseWeights => Path.Combine(ConformanceFixture.CaseDirectory("shared/lstm_head_many_to_one"), "model.safetensors");

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    /// <summary>The description RnnGen.targets (and rnngen emit) writes for a weights file listed in the project as <paramref name="projectPath"/>.</summary>
    internal static AdditionalText Description(string projectPath, byte[] file, string? precision = null)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-description-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, file);
        try
        {
            var description = RnnGen.Cli.Generation.WeightsDescriptions.Describe(path, projectPath);
            string text = description.GetText()!.ToString();
            // The line RnnGen.targets adds for an item with Precision (or RnnGenWeightsPrecision); the resource follows it.
            if (precision is not null)
            {
                string tag = precision switch { "Int8" => ".int8", "BFloat16" => ".bf16", _ => "" };
                text = string.Join("\n", text.Split('\n').Select(line => line.StartsWith("resource=", StringComparison.Ordinal)
                    ? $"{line.Substring(0, line.Length - ".safetensors".Length)}{tag}.safetensors\nprecision={precision}" : line));
            }
            return new InMemoryText(precision is null ? description.Path : description.Path.Replace(RnnGen.Generator.Parsing.WeightsFile.Extension, "." + precision + RnnGen.Generator.Parsing.WeightsFile.Extension), text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static GeneratorDriver Driver(params AdditionalText[] files) => GeneratorHarness.CreateDriver(files);

    private static (IReadOnlyList<Diagnostic> Diagnostics, Compilation Output) Run(string source, params AdditionalText[] files)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var driver = Driver(files).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        GeneratorHarness.AssertCacheable(driver, compilation);
        return (diagnostics, output);
    }

    [Fact]
    public void AFittingFileIsEmbeddedAndLoadedByTheConstructor()
    {
        byte[] bytes = File.ReadAllBytes(CaseWeights);
        var (diagnostics, output) = Run(Declaration, Description("models/gesture.safetensors", bytes));
        Assert.Empty(diagnostics);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity > DiagnosticSeverity.Info);
        var weightsPart = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Demo.Gesture.Weights.g.cs", StringComparison.Ordinal));
        Snapshot.Match(weightsPart.ToString(), "Demo.Gesture.Weights.g.cs", nameof(EmbeddedWeightsTests));

        // The compiler embeds the resource as the build targets ask; the constructor then needs no file.
        using var image = new MemoryStream();
        var emitted = output.Emit(image, manifestResources: [new ResourceDescription("RnnGen.Weights/gesture.safetensors", () => new MemoryStream(bytes), isPublic: true)]);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new System.Runtime.Loader.AssemblyLoadContext("weights", isCollectible: true);
        var type = context.LoadFromStream(new MemoryStream(image.ToArray())).GetType("Demo.Gesture")!;
        var expected = SafeTensorsFile.Read(CaseWeights);
        for (int instance = 0; instance < 2; instance++)
        {
            // The first instance parses the resource, the second copies the cached parameters: both must hold the file.
            var model = (IRecurrentModel)Activator.CreateInstance(type)!;
            foreach (var tensor in model.ParameterTensors)
                Assert.Equal(expected[tensor.Name].Data, model.Parameters.Slice(tensor.Offset, tensor.Length).ToArray());
        }
        context.Unload();
    }

    [Fact]
    public void AnInt8FileEmbedsItsQuantizedTensorsAndEveryInstanceRunsThemAsTheyAre()
    {
        // What rnngen quantize writes: I8 recurrent weights with their F32 per-row scales, the rest F32.
        var tensors = SafeTensorsFile.Read(CaseWeights).Tensors
            .SelectMany(t => WeightQuantization.IsQuantized(t.Name) ? WeightQuantization.Quantize(t.Name, t.Shape, t.Data, WeightPrecision.Int8) : [t]).ToList();
        byte[] bytes = new SafeTensorsFile(tensors).ToBytes();
        string source = Declaration.Replace("SequenceLength = 10,", "SequenceLength = 10, Precision = WeightPrecision.Int8,");
        var (diagnostics, output) = Run(source, Description("models/gesture.safetensors", bytes));
        Assert.Empty(diagnostics);
        var weightsPart = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Demo.Gesture.Weights.g.cs", StringComparison.Ordinal));
        Snapshot.Match(weightsPart.ToString(), "Demo.Gesture.Weights.g.cs", nameof(EmbeddedWeightsTests));

        using var image = new MemoryStream();
        var emitted = output.Emit(image, manifestResources: [new ResourceDescription("RnnGen.Weights/gesture.safetensors", () => new MemoryStream(bytes), isPublic: true)]);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new System.Runtime.Loader.AssemblyLoadContext("int8 weights", isCollectible: true);
        var type = context.LoadFromStream(new MemoryStream(image.ToArray())).GetType("Demo.Gesture")!;
        var file = SafeTensorsFile.Parse(bytes);
        for (int instance = 0; instance < 2; instance++)
        {
            // The first instance loads the resource, the second copies the cached parameters and copies: both run the file's int8 weights.
            var model = (IQuantizedModel)Activator.CreateInstance(type)!;
            foreach (var tensor in model.QuantizedTensors)
            {
                float[] scales = file[tensor.Name + WeightQuantization.ScaleSuffix].Data;
                Assert.Equal(scales, model.Int8Scales.Slice(tensor.ScaleOffset, tensor.Rows).ToArray());
                Assert.Equal(file[tensor.Name].Data, WeightQuantization.Export(model, tensor, tensor.Name)[0].Data);
            }
        }
        context.Unload();

        // Without its scales an I8 tensor does not fit.
        byte[] noScales = new SafeTensorsFile(tensors.Where(t => t.Name != "rnn.weight_hh_l0_scale")).ToBytes();
        (diagnostics, _) = Run(source, Description("models/gesture.safetensors", noScales));
        Assert.Contains(diagnostics, d => d.Id == "RNN018" && d.GetMessage().EndsWith("tensor 'rnn.weight_hh_l0' is I8 but the file has no 'rnn.weight_hh_l0_scale' with its per-row scales (F32 [32])", StringComparison.Ordinal));
    }

    /// <summary>
    /// One float32 file listed once per precision (RnnGen.targets then embeds a file per item, the low-precision ones
    /// quantized): the float32 twin, the int8 and the bf16 model each take the item of their own precision.
    /// </summary>
    [Fact]
    public void AFileListedOncePerPrecisionGivesEachModelTheItemOfItsOwn()
    {
        byte[] float32 = File.ReadAllBytes(CaseWeights);
        var source = SafeTensorsFile.Read(CaseWeights);
        byte[] int8 = WeightQuantization.Quantize(source, WeightPrecision.Int8).ToBytes(), bf16 = WeightQuantization.Quantize(source, WeightPrecision.BFloat16).ToBytes();
        string models = Declaration
            + Declaration.Replace("class Gesture", "class GestureInt8").Replace("SequenceLength = 10,", "SequenceLength = 10, Precision = WeightPrecision.Int8,").Replace("using RnnGen;\nnamespace Demo;", "")
            + Declaration.Replace("class Gesture", "class GestureBFloat16").Replace("SequenceLength = 10,", "SequenceLength = 10, Precision = WeightPrecision.BFloat16,").Replace("using RnnGen;\nnamespace Demo;", "");
        var files = new[]
        {
            Description("models/gesture.safetensors", float32),
            Description("models/gesture.safetensors", int8, "Int8"),
            Description("models/gesture.safetensors", bf16, "BFloat16"),
        };
        var (diagnostics, output) = Run(models, files);
        Assert.Empty(diagnostics);
        string Resource(string type) => output.SyntaxTrees.Single(t => t.FilePath.EndsWith($"Demo.{type}.Weights.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("EmbeddedWeightsResource = \"RnnGen.Weights/gesture.safetensors\"", Resource("Gesture"));
        Assert.Contains("EmbeddedWeightsResource = \"RnnGen.Weights/gesture.int8.safetensors\"", Resource("GestureInt8"));
        Assert.Contains("EmbeddedWeightsResource = \"RnnGen.Weights/gesture.bf16.safetensors\"", Resource("GestureBFloat16"));

        // Listed only in int8, the float32 twin would read int8 values and the bf16 model round them again: RNN024 for
        // both, not a silent dequantization.
        (diagnostics, _) = Run(models, files[1]);
        Assert.All(diagnostics, d => Assert.Equal("RNN024", d.Id));
        Assert.Equal(["model 'Gesture'", "model 'GestureBFloat16'"], diagnostics.Select(d => d.GetMessage().Split(": ")[0].Split(" of ")[1]).Order());
        Assert.All(diagnostics, d => Assert.Contains("one file may be listed once per precision", d.GetMessage()));

        // Listed twice and neither is the model's precision: which one is meant is not guessed.
        (diagnostics, _) = Run(Declaration.Replace("SequenceLength = 10,", "SequenceLength = 10, Precision = WeightPrecision.BFloat16,"), files[0], files[1]);
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN017", d.Id);
        Assert.Contains("matches several files", d.GetMessage());
    }

    /// <summary>
    /// Quantized files of the other low precision round twice: a file from rnngen quantize --precision bf16 for an int8
    /// model, and int8 for a bf16 one, are RNN024. A float32 file the item declares Float32 is the user's choice: no RNN025.
    /// </summary>
    [Fact]
    public void AFileInTheOtherLowPrecisionIsRNN024AndAnExplicitFloat32FileIsNoWarning()
    {
        var source = SafeTensorsFile.Read(CaseWeights);
        string Model(string precision) => Declaration.Replace("SequenceLength = 10,", $"SequenceLength = 10, Precision = WeightPrecision.{precision},");
        var (diagnostics, _) = Run(Model("Int8"), Description("models/gesture.safetensors", WeightQuantization.Quantize(source, WeightPrecision.BFloat16).ToBytes()));
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN024", d.Id);
        Assert.Contains("it holds BF16 tensors ('rnn.weight_ih_l0', 'rnn.weight_hh_l0') but the model is Int8: the file was quantized before the build (rnngen quantize), and an Int8 model would round the already rounded values again", d.GetMessage());

        (diagnostics, _) = Run(Model("BFloat16"), Description("models/gesture.safetensors", WeightQuantization.Quantize(source, WeightPrecision.Int8).ToBytes()));
        Assert.Equal("RNN024", Assert.Single(diagnostics).Id);

        (diagnostics, _) = Run(Model("Int8"), Description("models/gesture.safetensors", File.ReadAllBytes(CaseWeights), "Float32"));
        Assert.Empty(diagnostics);
        (diagnostics, _) = Run(Model("Int8"), Description("models/gesture.safetensors", File.ReadAllBytes(CaseWeights)));
        Assert.Equal("RNN025", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void AFileOutsideTheBuildIsRNN017AtTheModelAttribute()
    {
        string source = Declaration.Replace("models/gesture.safetensors", "other.safetensors");
        var (diagnostics, output) = Run(source, Description("models/gesture.safetensors", File.ReadAllBytes(CaseWeights)));
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN017", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path);
        Assert.StartsWith("RecurrentModel(", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        Assert.Contains("<RnnGenWeights Include=\"other.safetensors\" />", d.GetMessage());
        Assert.Contains("the build has models/gesture.safetensors", d.GetMessage());
        // The model still compiles (its loader throws), so the error stands alone.
        Assert.DoesNotContain(output.GetDiagnostics(), e => e.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void EveryTensorThatDoesNotFitIsAnRNN018NamingItAndBothShapes()
    {
        var (diagnostics, _) = Run(Declaration.Replace("[Lstm(8)]", "[Lstm(8)][Gru(3)]").Replace("[Dense(5, ", "[Dense(6, "), Description("models/gesture.safetensors", File.ReadAllBytes(CaseWeights)));
        var messages = diagnostics.Select(d => { Assert.Equal("RNN018", d.Id); return d.GetMessage(); }).ToList();
        Assert.Contains("Weights file 'models/gesture.safetensors' does not fit model 'Gesture': tensor 'head.weight' has shape [5, 8] in the file but [6, 3] in the declaration", messages);
        Assert.Contains(messages, m => m.EndsWith("tensor 'head.bias' has shape [5] in the file but [6] in the declaration", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("tensor 'rnn.weight_ih_l1' is missing (the declaration needs [9, 8]); closest in the file: 'rnn.weight_ih_l0 [32, 4]', 'rnn.weight_hh_l0 [32, 8]'", StringComparison.Ordinal));
    }

    /// <summary>
    /// A PyTorch module's own names (lstm., fc.) under a declaration without Module: each missing tensor's RNN018 names
    /// the file's closest names and the Module to set on which attribute.
    /// </summary>
    [Fact]
    public void AMissingTensorsRNN018SaysWhichNamesAreClosestAndWhichModuleToSet()
    {
        var original = SafeTensorsFile.Read(CaseWeights);
        var file = new SafeTensorsFile(original.Tensors.Select(t => new SafeTensor(t.Name.Replace("rnn.", "lstm.").Replace("head.", "fc."), t.Shape, t.Data)));
        var (diagnostics, _) = Run(Declaration, Description("models/gesture.safetensors", file.ToBytes()));
        var messages = diagnostics.Select(d => { Assert.Equal("RNN018", d.Id); return d.GetMessage(); }).ToList();
        Assert.Contains("Weights file 'models/gesture.safetensors' does not fit model 'Gesture': tensor 'rnn.weight_ih_l0' is missing (the declaration needs [32, 4]); "
            + "closest in the file: 'lstm.weight_ih_l0 [32, 4]', 'lstm.weight_hh_l0 [32, 8]'; to load the file's own names, set Module = \"lstm\" on [Lstm(8)] (layer 0)", messages);
        Assert.Contains(messages, m => m.EndsWith("tensor 'head.weight' is missing (the declaration needs [5, 8]); closest in the file: 'fc.weight [5, 8]'; to load the file's own names, set Module = \"fc\" on [Dense(5, Over = Steps.Last)] (head layer 0)", StringComparison.Ordinal));

        // With those Module names the file fits.
        (diagnostics, _) = Run(Declaration.Replace("[Lstm(8)]", "[Lstm(8, Module = \"lstm\")]").Replace("[Dense(5, ", "[Dense(5, Module = \"fc\", "), Description("models/gesture.safetensors", file.ToBytes()));
        Assert.Empty(diagnostics);
    }

    private static string UserFixture(string name) => Path.Combine(DiagnosticTests.RepositoryRoot(), "tests", "RnnGen.Import.Tests", "Cases", "user", name, "model.onnx");

    private const string OnnxDeclaration = """
        using RnnGen;
        [RecurrentModel(InputSize = 4, SequenceLength = 16, Weights = "model.onnx")]
        [Lstm(20)]
        [Lstm(20)]
        [Dense(32, Activation.Relu, Over = Steps.Last)]
        [Dense(3)]
        public partial class Mlp { }
        """;

    /// <summary>
    /// ONNX build-time weights are described as the import converts them (the build's RnnGen.OnnxWeights, or rnngen emit):
    /// the graph's weights under the default names, and its architecture, which the declaration must repeat.
    /// </summary>
    [Fact]
    public void AnOnnxFileFitsTheDeclarationItsImportPrintsAndNoOther()
    {
        var description = RnnGen.Cli.Generation.WeightsDescriptions.Describe(UserFixture("stacked_lstm_mlp"), "model.onnx");
        Assert.Contains("resource=RnnGen.Weights/model.onnx.safetensors\n", description.GetText()!.ToString());
        var (diagnostics, output) = Run(OnnxDeclaration, description);
        Assert.Empty(diagnostics);
        Assert.Contains("EmbeddedWeightsResource = \"RnnGen.Weights/model.onnx.safetensors\"", output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Mlp.Weights.g.cs", StringComparison.Ordinal)).ToString());

        // Names and shapes fit, but the graph has a ReLU between the layers: the model would compute something else.
        (diagnostics, _) = Run(OnnxDeclaration.Replace("[Dense(32, Activation.Relu, ", "[Dense(32, "), description);
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN018", d.Id);
        Assert.EndsWith("the ONNX graph (model.onnx) computes [Dense(32, Activation.Relu, Over = Steps.Last)] where the declaration has [Dense(32, Over = Steps.Last)]; declare what 'rnngen import' prints for it",
            d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnOnnxGraphTheImportCannotMapIsRNN019WithTheImportersMessage()
    {
        string broken = Path.Combine(Path.GetTempPath(), "rnngen-broken-" + Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllBytes(broken, File.ReadAllBytes(UserFixture("stacked_lstm_mlp"))[..100]);
        try
        {
            var (diagnostics, _) = Run(OnnxDeclaration, RnnGen.Cli.Generation.WeightsDescriptions.Describe(broken, "model.onnx"));
            var d = Assert.Single(diagnostics);
            Assert.Equal("RNN019", d.Id);
            Assert.Contains($"Weights file 'model.onnx' of model 'Mlp' cannot be read: {broken}: not an ONNX model", d.GetMessage());
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public void ExtraTensorsAndOtherDtypesAreRNN018()
    {
        var file = new SafeTensorsFile(SafeTensorsFile.Read(CaseWeights).Tensors.Append(new SafeTensor("rnn.weight_hr_l0", [2, 8], new float[16])));
        var (diagnostics, _) = Run(Declaration, Description("models/gesture.safetensors", file.ToBytes()));
        Assert.Contains(diagnostics, d => d.Id == "RNN018" && d.GetMessage().EndsWith("tensor 'rnn.weight_hr_l0 [2, 8]' is not part of the declared model", StringComparison.Ordinal));

        // I32 has F32's length in the header and its 4 bytes per element, so only the dtype is wrong.
        byte[] bytes = File.ReadAllBytes(CaseWeights);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        int at = header.IndexOf("\"head.bias\":{\"dtype\":\"F32\"", StringComparison.Ordinal);
        Assert.True(at >= 0, header);
        System.Text.Encoding.UTF8.GetBytes("I32").CopyTo(bytes, 8 + at + "\"head.bias\":{\"dtype\":\"".Length);
        (diagnostics, _) = Run(Declaration, Description("models/gesture.safetensors", bytes));
        Assert.Contains(diagnostics, d => d.Id == "RNN018" && d.GetMessage().Contains("tensor 'head.bias' has dtype I32", StringComparison.Ordinal));
    }

    [Fact]
    public void AFileHoldingTheModelUnderTwoPrefixesIsAnRNN018AsAtRunTime()
    {
        // An encoder and a decoder of one shape: the run time refuses to guess, so the build must not guess either.
        var original = SafeTensorsFile.Read(CaseWeights);
        var file = new SafeTensorsFile(original.Tensors.Select(t => new SafeTensor("encoder." + t.Name, t.Shape, t.Data))
            .Concat(original.Tensors.Select(t => new SafeTensor("decoder." + t.Name, t.Shape, t.Data))));
        var (diagnostics, _) = Run(Declaration, Description("models/gesture.safetensors", file.ToBytes()));

        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN018", d.Id);
        const string Problem = "the model's tensors are all present under several prefixes ('encoder.', 'decoder.')";
        Assert.Contains(Problem, d.GetMessage());
        // The same words as the exception LoadWeights throws for the same file (tested in RnnGen.Tests).
        Assert.Contains(Problem + "; export only one", d.GetMessage());
    }

    [Fact]
    public void ATruncatedFileIsRNN019()
    {
        var (diagnostics, _) = Run(Declaration, Description("models/gesture.safetensors", File.ReadAllBytes(CaseWeights)[..1000]));
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN019", d.Id);
        Assert.Contains("the file is truncated", d.GetMessage());
    }

    /// <summary>
    /// What the runtime reader refuses, the build refuses too (RNN019), rather than embedding a file whose constructor then
    /// throws: bytes after the last tensor, a hole in the data, a lone surrogate in a name.
    /// </summary>
    [Theory]
    [InlineData("trailing", "trailing bytes")]
    [InlineData("hole", "the data is not fully indexed")]
    [InlineData("surrogate", "lone UTF-16 surrogate")]
    public void WhatTheRuntimeRefusesIsRNN019AtBuildTime(string defect, string message)
    {
        byte[] bytes = defect switch
        {
            "trailing" => [.. File.ReadAllBytes(CaseWeights), 0],
            "hole" => Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12),
            _ => Raw("{\"a\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        };
        var (diagnostics, _) = Run(Declaration, Description("models/gesture.safetensors", bytes));
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN019", d.Id);
        Assert.Contains(message, d.GetMessage());

        static byte[] Raw(string header, int dataBytes)
        {
            byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
            return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. new byte[dataBytes]];
        }
    }

    [Fact]
    public void TheBuildsLimitsAreTheRuntimeReaders()
    {
        Assert.Equal(RnnGen.Weights.SafeTensorsFile.MaxTensorCount, RnnGen.Generator.Parsing.WeightsFileHeader.MaxTensorCount);
        Assert.Equal(RnnGen.Weights.SafeTensorsFile.MaxNameLength, RnnGen.Generator.Parsing.WeightsFileHeader.MaxNameLength);
    }

    [Fact]
    public void AnUnreadableFileIsRNN019WithTheReason()
    {
        var description = new InMemoryText("/obj/rnngen/gesture.rnngenweights", "rnngen-weights/1\npath=models/gesture.safetensors\nresource=RnnGen.Weights/gesture.safetensors\nerror=Permission denied\n");
        var (diagnostics, _) = Run(Declaration, description);
        var d = Assert.Single(diagnostics);
        Assert.Equal("RNN019", d.Id);
        Assert.EndsWith("cannot be read: Permission denied", d.GetMessage());
    }

    [Fact]
    public void TheFileIsFoundByItsPathOrItsFileNameButNotByAnAmbiguousName()
    {
        byte[] bytes = File.ReadAllBytes(CaseWeights);
        Assert.Empty(Run(Declaration.Replace("models/gesture.safetensors", "gesture.safetensors"), Description("models/gesture.safetensors", bytes)).Diagnostics);
        Assert.Empty(Run(Declaration.Replace("models/gesture.safetensors", "models\\\\gesture.safetensors"), Description("models/gesture.safetensors", bytes)).Diagnostics);

        var (diagnostics, _) = Run(Declaration.Replace("models/gesture.safetensors", "gesture.safetensors"),
            Description("models/gesture.safetensors", bytes), Description("old/gesture.safetensors", bytes));
        Assert.Contains("matches several files (models/gesture.safetensors, old/gesture.safetensors)", Assert.Single(diagnostics).GetMessage());
    }

    [Fact]
    public void AnUnrelatedEditLeavesTheWeightsStepsCached()
    {
        var files = new[] { Description("models/gesture.safetensors", File.ReadAllBytes(CaseWeights)) };
        var compilation = GeneratorHarness.CreateCompilation(Declaration, "class Other { int x = 1; }");
        var driver = Driver(files).RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("class Other { int x = 2; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        foreach (string step in new[] { TrackingNames.WeightsFiles, TrackingNames.EmbeddedWeights })
        {
            Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step {step} was not tracked");
            foreach (var output in runs.SelectMany(r => r.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {output.Reason}");
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }
}
