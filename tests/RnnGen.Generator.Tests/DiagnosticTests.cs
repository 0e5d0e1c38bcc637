using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generator.Diagnostics;
using RnnGen.Weights;

namespace RnnGen.Generator.Tests;

/// <summary>Every invalid spec is a compile-time error with a stable ID, a message that says what to fix, and a location on the offender.</summary>
public class DiagnosticTests
{
    /// <summary>
    /// Runs the generator and returns its single diagnostic, asserting nothing was generated; every diagnostic the run
    /// reports is kept as a snapshot (<c>Snapshots/DiagnosticTests.{Test}.verified.txt</c>), so a message change is reviewed.
    /// </summary>
    private static (Diagnostic Diagnostic, string LocatedText) Single(string source, string id, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var (diagnostics, generated, _) = GeneratorHarness.Run(source);
        Snapshot.MatchDiagnostics(diagnostics, nameof(DiagnosticTests), test);
        Assert.Empty(generated);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        // Locations travel through the cached pipeline as data, so they come back as file path + span.
        Assert.NotEqual(Location.None, diagnostic.Location);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        string located = source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        return (diagnostic, located);
    }

    [Fact]
    public void NotPartialReportsRnn001()
    {
        var (d, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)] public class Model { }", "RNN001");
        Assert.Equal("Model", at);
        Assert.Contains("partial", d.GetMessage());
    }

    [Fact]
    public void GenericReportsRnn002()
    {
        var (_, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)] public partial class Model<T> { }", "RNN002");
        Assert.Equal("Model", at);
    }

    [Fact]
    public void NestedInGenericReportsRnn002()
        => Single("using RnnGen; public partial class Outer<T> { [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)] public partial class Model { } }", "RNN002");

    [Fact]
    public void MissingInputSizeReportsRnn003()
    {
        var (d, at) = Single("using RnnGen; [RecurrentModel(SequenceLength = 4)][Lstm(3)] public partial class Model { }", "RNN003");
        Assert.Equal("RecurrentModel(SequenceLength = 4)", at);
        Assert.Contains("InputSize", d.GetMessage());
    }

    [Theory]
    [InlineData("[RecurrentModel(InputSize = 0, SequenceLength = 4)][Lstm(3)]", "RecurrentModel(InputSize = 0, SequenceLength = 4)", "InputSize")]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = -1)][Lstm(3)]", "RecurrentModel(InputSize = 2, SequenceLength = -1)", "SequenceLength")]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(0)]", "Lstm(0)", "Lstm hiddenSize")]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4)][Gru(-3)]", "Gru(-3)", "Gru hiddenSize")]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)][Dense(0)]", "Dense(0)", "Dense outputs")]
    [InlineData("[RecurrentModel(SequenceLength = 4)][Embedding(0, 3)][Lstm(3)]", "Embedding(0, 3)", "Embedding vocabularySize")]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3, ProjectionSize = -1)]", "Lstm(3, ProjectionSize = -1)", "ProjectionSize")]
    public void NonPositiveSizeReportsRnn004(string attributes, string expectedLocation, string what)
    {
        var (d, at) = Single($"using RnnGen; {attributes} public partial class Model {{ }}", "RNN004",
            nameof(NonPositiveSizeReportsRnn004) + "_" + what.Replace(' ', '_'));
        Assert.Equal(expectedLocation, at);
        Assert.StartsWith(what + " must be a positive integer", d.GetMessage());
    }

    [Fact]
    public void NoRecurrentLayerReportsRnn005()
    {
        var (_, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Dense(3)] public partial class Model { }", "RNN005");
        Assert.Equal("RecurrentModel(InputSize = 2, SequenceLength = 4)", at);
    }

    [Fact]
    public void DenseBeforeRecurrentReportsRnn006()
    {
        var (_, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Dense(3)][Lstm(4)] public partial class Model { }", "RNN006");
        Assert.Equal("Dense(3)", at);
    }

    [Fact]
    public void ProjectionOnGruReportsRnn007()
    {
        var (d, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Gru(8, ProjectionSize = 4)] public partial class Model { }", "RNN007");
        Assert.Equal("Gru(8, ProjectionSize = 4)", at);
        Assert.Contains("[Gru]", d.GetMessage());
    }

    [Fact]
    public void ProjectionNotSmallerReportsRnn008()
    {
        var (_, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(8, ProjectionSize = 8)] public partial class Model { }", "RNN008");
        Assert.Equal("Lstm(8, ProjectionSize = 8)", at);
    }

    [Fact]
    public void EmbeddingNotFirstReportsRnn009()
    {
        var (_, at) = Single("using RnnGen; [RecurrentModel(SequenceLength = 4)][Lstm(8)][Embedding(10, 3)] public partial class Model { }", "RNN009");
        Assert.Equal("Embedding(10, 3)", at);
    }

    /// <summary>Consecutive [Dense] layers are one MLP head (no longer RNN010), so a second head is an Over on a later layer.</summary>
    [Fact]
    public void OverOnALaterDenseReportsRnn010()
    {
        var (d, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(8)][Dense(3, Activation.Relu)][Dense(2, Over = Steps.Every)] public partial class Model { }", "RNN010");
        Assert.Equal("Dense(2, Over = Steps.Every)", at);
        Assert.Contains("Over = Steps.Every on a [Dense] after the head's first", d.GetMessage());
    }

    [Fact]
    public void SoftmaxBeforeTheLastDenseReportsRnn021()
    {
        var (d, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(8)][Dense(5, Activation.Softmax)][Dense(2)] public partial class Model { }", "RNN021");
        Assert.Equal("Dense(5, Activation.Softmax)", at);
        Assert.Contains("last [Dense] only", d.GetMessage());
    }

    [Theory]
    [InlineData("[Lstm(8, Module = \"\")]", "Lstm(8, Module = \"\")", "")]
    [InlineData("[Lstm(8, Module = \"lstm.\")]", "Lstm(8, Module = \"lstm.\")", "lstm.")]
    [InlineData("[Lstm(8)][Dense(2, Module = \"my head\")]", "Dense(2, Module = \"my head\")", "my head")]
    [InlineData("[Embedding(10, 2, Module = \"a..b\")][Lstm(8)]", "Embedding(10, 2, Module = \"a..b\")", "a..b")]
    public void AModuleThatIsNotAModulePathReportsRnn022(string attributes, string expectedLocation, string module)
    {
        string model = attributes.StartsWith("[Embedding", StringComparison.Ordinal) ? "[RecurrentModel(SequenceLength = 4)]" : "[RecurrentModel(InputSize = 2, SequenceLength = 4)]";
        var (d, at) = Single($"using RnnGen; {model}{attributes} public partial class Model {{ }}", "RNN022",
            nameof(AModuleThatIsNotAModulePathReportsRnn022) + "_" + new string(expectedLocation.TakeWhile(char.IsLetter).ToArray()) + "_" + module.Length);
        Assert.Equal(expectedLocation, at);
        Assert.StartsWith($"Module \"{module}\" is not a PyTorch module path", d.GetMessage());
    }

    /// <summary>One error per part that repeats another's names, on the later part, naming both.</summary>
    [Theory]
    [InlineData("[Lstm(8)][Lstm(8, Module = \"x\")][Lstm(8)][Dense(3)]", "Lstm(8)", "Tensor 'rnn.weight_ih_l0' of [Lstm(8)] (layer 2) has the name of a tensor of [Lstm(8)] (layer 0)")]
    [InlineData("[Lstm(8)][Dense(2, Module = \"out\")][Dense(3, Module = \"out\")]", "Dense(3, Module = \"out\")", "Tensor 'out.weight' of [Dense(3, Module = \"out\")] (head layer 1) has the name of a tensor of [Dense(2, Module = \"out\", Over = Steps.Last)] (head layer 0)")]
    public void TwoPartsNamingOneTensorReportRnn023(string attributes, string expectedLocation, string message)
    {
        string source = $"using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)]{attributes} public partial class Model {{ }}";
        var (d, at) = Single(source, "RNN023", nameof(TwoPartsNamingOneTensorReportRnn023) + "_" + new string(expectedLocation.TakeWhile(char.IsLetter).ToArray()));
        Assert.Equal(expectedLocation, at);
        Assert.Equal(source.LastIndexOf(expectedLocation, StringComparison.Ordinal), d.Location.SourceSpan.Start);
        Assert.StartsWith(message, d.GetMessage());
        Assert.EndsWith("give one of them another Module", d.GetMessage());
    }

    [Fact]
    public void RnnWithSoftmaxReportsRnn011()
    {
        var (d, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Rnn(8, Activation = Activation.Softmax)] public partial class Model { }", "RNN011");
        Assert.Equal("Rnn(8, Activation = Activation.Softmax)", at);
        Assert.Contains("Activation.Softmax", d.GetMessage());
    }

    [Fact]
    public void InputSizeDisagreesWithEmbeddingReportsRnn012()
        => Single("using RnnGen; [RecurrentModel(InputSize = 5, SequenceLength = 4)][Embedding(10, 3)][Lstm(8)] public partial class Model { }", "RNN012");

    [Fact]
    public void MissingSequenceLengthReportsRnn013()
    {
        var (d, _) = Single("using RnnGen; [RecurrentModel(InputSize = 2)][Lstm(8)] public partial class Model { }", "RNN013");
        Assert.Contains("SequenceLength", d.GetMessage());
    }

    [Fact]
    public void ContainingTypeNotPartialReportsRnn014()
    {
        var (_, at) = Single("using RnnGen; public class Outer { [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)] public partial class Model { } }", "RNN014");
        Assert.Equal("Outer", at);
    }

    [Fact]
    public void UndefinedActivationPrecisionReportsRnn015()
    {
        var (diagnostic, _) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4, Activations = (ActivationPrecision)3)][Lstm(3)] public partial class Model { }", "RNN015");
        Assert.Contains("RecurrentModel Activations has the undefined value 3", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void UndefinedWeightPrecisionReportsRnn015()
    {
        var (diagnostic, _) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4, Precision = (WeightPrecision)7)][Lstm(3)] public partial class Model { }", "RNN015");
        Assert.Contains("RecurrentModel Precision has the undefined value 7", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void UndefinedActivationReportsRnn015()
    {
        var (_, at) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)][Dense(2, (Activation)42)] public partial class Model { }", "RNN015");
        Assert.Equal("Dense(2, (Activation)42)", at);
    }

    [Fact]
    public void TooLargeReportsRnn016()
    {
        var (d, _) = Single("using RnnGen; [RecurrentModel(InputSize = 2, SequenceLength = 1000000)][Lstm(4096)] public partial class Model { }", "RNN016");
        Assert.Contains("gate records", d.GetMessage());
    }

    /// <summary>Runs the generator with build-time weights descriptions and returns its single diagnostic of <paramref name="id"/>.</summary>
    private static Diagnostic SingleWithWeights(string source, string id, AdditionalText[] files, DiagnosticSeverity severity = DiagnosticSeverity.Error,
        [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var (diagnostics, _, _) = GeneratorHarness.Run([source], files);
        Snapshot.MatchDiagnostics(diagnostics, nameof(DiagnosticTests), test);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        int start = source.IndexOf("RecurrentModel(", StringComparison.Ordinal);
        Assert.Equal(source.Substring(start, source.IndexOf(")]", start, StringComparison.Ordinal) + 1 - start),
            source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        return diagnostic;
    }

    private const string WeightsModel = "using RnnGen; [RecurrentModel(InputSize = 4, SequenceLength = 10, Weights = \"w.safetensors\")][Lstm(8)][Dense(5)] public partial class Model { }";

    private static byte[] CaseWeights => File.ReadAllBytes(Path.Combine(ConformanceFixture.CaseDirectory("shared/lstm_head_many_to_one"), "model.safetensors"));

    [Fact]
    public void WeightsNotInBuildReportsRnn017()
        => Assert.Contains("add <RnnGenWeights Include=\"w.safetensors\" />", SingleWithWeights(WeightsModel, "RNN017", []).GetMessage());

    [Fact]
    public void WeightsMismatchReportsRnn018()
    {
        var d = SingleWithWeights(WeightsModel.Replace("[Dense(5)]", "[Dense(5, Bias = false)]"), "RNN018", [EmbeddedWeightsTests.Description("w.safetensors", CaseWeights)]);
        Assert.Equal("Weights file 'w.safetensors' does not fit model 'Model': tensor 'head.bias [5]' is not part of the declared model", d.GetMessage());
    }

    [Fact]
    public void WeightsUnreadableReportsRnn019()
    {
        var d = SingleWithWeights(WeightsModel, "RNN019", [EmbeddedWeightsTests.Description("w.safetensors", [1, 2, 3])]);
        Assert.Contains("shorter than the 8-byte header length", d.GetMessage());
    }

    [Fact]
    public void WeightsPrecisionMismatchReportsRnn024()
    {
        // What the build embeds for <RnnGenWeights Include="w.safetensors" Precision="Int8" />, read by a Float32 model.
        byte[] int8 = WeightQuantization.Quantize(SafeTensorsFile.Parse(CaseWeights), WeightPrecision.Int8).ToBytes();
        var d = SingleWithWeights(WeightsModel, "RNN024", [EmbeddedWeightsTests.Description("w.safetensors", int8, "Int8")]);
        Assert.Equal("Weights file 'w.safetensors' does not match the precision of model 'Model': it holds I8 tensors ('rnn.weight_ih_l0', 'rnn.weight_hh_l0') "
            + "but the model is Float32: the build quantized it to Int8 (Precision=\"Int8\" on its <RnnGenWeights> item, or RnnGenWeightsPrecision), "
            + "and a Float32 model would multiply the dequantized values, with the low precision's error at float32's cost. "
            + "Declare the model's Precision = WeightPrecision.Int8, or embed the float32 file for it (listed with Precision=\"Float32\", or without Precision; one file may be listed once per precision)",
            d.GetMessage());
    }

    [Fact]
    public void WeightsEmbeddedInFloat32ReportsRnn025()
    {
        string int8Model = WeightsModel.Replace("SequenceLength = 10,", "SequenceLength = 10, Precision = WeightPrecision.Int8,");
        var d = SingleWithWeights(int8Model, "RNN025", [EmbeddedWeightsTests.Description("w.safetensors", CaseWeights)], DiagnosticSeverity.Warning);
        Assert.StartsWith("Weights file 'w.safetensors' of model 'Model' is embedded in float32 and quantized to Int8 when the model is constructed: add Precision=\"Int8\" to its <RnnGenWeights> item", d.GetMessage());
    }

    /// <summary>
    /// The analyzers of the generator's assembly, found as the compiler finds them in a consumer build (an
    /// <see cref="AnalyzerFileReference"/> to the same file the package ships in analyzers/dotnet/cs).
    /// </summary>
    private static ImmutableArray<DiagnosticAnalyzer> ShippedAnalyzers()
        => new AnalyzerFileReference(typeof(RecurrentModelGenerator).Assembly.Location, new LoadedAssemblies()).GetAnalyzers(LanguageNames.CSharp);

    private sealed class LoadedAssemblies : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath) { }
        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }

    /// <summary>The analyzers' diagnostics on the sources after the generator has run, as in a build.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzerDiagnostics(string source)
    {
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(GeneratorHarness.CreateCompilation(source), out var compilation, out _);
        return await compilation.WithAnalyzers(ShippedAnalyzers()).GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public void TheMissingRecurrentModelAnalyzerShipsInTheGeneratorAssembly()
        => Assert.Contains(ShippedAnalyzers(), a => a.SupportedDiagnostics.Any(d => d.Id == "RNN020"));

    [Theory]
    [InlineData("[Lstm(8)]", "Lstm", "InputSize = <floats per step>, SequenceLength")]
    [InlineData("[Gru(8)]", "Gru", "InputSize = <floats per step>, SequenceLength")]
    [InlineData("[Rnn(8)]", "Rnn", "InputSize = <floats per step>, SequenceLength")]
    [InlineData("[Dense(3)]", "Dense", "InputSize = <floats per step>, SequenceLength")]
    [InlineData("[Embedding(10, 4)][Gru(8)][Dense(3)]", "Embedding], [Gru], [Dense", "[RecurrentModel(SequenceLength = <unroll window>)]")]
    public async Task LayerAttributesWithoutRecurrentModelRNN020(string attributes, string named, string fix)
    {
        string source = $"using RnnGen; namespace App; {attributes} public partial class M7 {{ }}";
        var diagnostic = Assert.Single(await AnalyzerDiagnostics(source));
        Assert.Equal("RNN020", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("M7", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains($"Class 'M7' has [{named}] but no [RecurrentModel]", diagnostic.GetMessage());
        Assert.Contains(fix, diagnostic.GetMessage());
    }

    [Fact]
    public async Task OnAPartialClassTheDiagnosticIsOnTheDeclarationWithTheLayersRNN020()
    {
        string source = "using RnnGen; public partial class M { } [Lstm(8)] public partial class M { }";
        var diagnostic = Assert.Single(await AnalyzerDiagnostics(source));
        Assert.Equal(source.LastIndexOf("M {", StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
    }

    [Theory]
    [InlineData("[RecurrentModel(InputSize = 2, SequenceLength = 4)][Lstm(3)][Dense(2)] public partial class M { }")]
    [InlineData("[RecurrentModel(SequenceLength = 4)][Embedding(10, 4)][Gru(3)] public partial class M { }")]
    [InlineData("[Lstm(3)] public partial class M { } [RecurrentModel(InputSize = 2, SequenceLength = 4)] public partial class M { }")]
    [InlineData("[System.Serializable] public class Unrelated { }")]
    public async Task AModelOrAnUnrelatedClassHasNoAnalyzerDiagnostic(string declarations)
        => Assert.Empty(await AnalyzerDiagnostics("using RnnGen; " + declarations));

    [Fact]
    public async Task ACompilationWithoutTheRuntimeIsNotAnalyzed()
    {
        // Attributes of the same short names from another library are not RnnGen's.
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Other",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class LstmAttribute : System.Attribute { public LstmAttribute(int n) { } } [Lstm(3)] class M { }", GeneratorHarness.ParseOptions)],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)], new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(await compilation.WithAnalyzers(ShippedAnalyzers()).GetAnalyzerDiagnosticsAsync());
    }

    [Fact]
    public void EveryReportedIdIsDocumentedInTheReadmeAndReleaseFile()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string releases = File.ReadAllText(Path.Combine(root, "generator", "RnnGen.Generator", "AnalyzerReleases.Unshipped.md"));
        var ids = typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id).ToList();
        Assert.Equal(25, ids.Count);
        foreach (string id in ids)
        {
            Assert.Contains($"| {id} |", readme);
            Assert.Contains($"{id} | RnnGen |", releases);
        }
    }

    internal static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string file = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
