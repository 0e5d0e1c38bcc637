using RnnGen.Cli.Commands;
using RnnGen.Cli.Conformance;
using RnnGen.Cli.Inspection;
using RnnGen.Weights;

namespace RnnGen.Import.Tests;

/// <summary>
/// SaveWeights records the model's declaration and generator version; rnngen reads back exactly that model, says which
/// generator it embeds, and warns when a file was written by another. A state_dict under the module's own names loaded
/// by a declaration without them says which names are closest and which Module to set.
/// </summary>
public sealed class SavedDeclarationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-saved-" + Guid.NewGuid().ToString("N"));

    public SavedDeclarationTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = RnnGenCommandLine.Run(args, output, error);
        return (exit, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>A fixture's Model.cs compiled by this generator with its state_dict loaded, saved by SaveWeights beside a copy of its case.json.</summary>
    private (IRecurrentModel Model, string Case) SavedFixture(string name)
    {
        var compiled = ModelCompiler.Compile([File.ReadAllText(Path.Combine(Fixtures.Directory(name), "Model.cs"))]);
        var model = compiled.Create(compiled.ModelTypeNames.Single());
        model.LoadWeights(Path.Combine(Fixtures.Directory(name), "model.safetensors"));
        string directory = Path.Combine(_directory, name);
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(Fixtures.Directory(name), "case.json"), Path.Combine(directory, "case.json"));
        model.SaveWeights(Path.Combine(directory, "model.safetensors"), new Dictionary<string, string> { ["mine"] = "kept" });
        return (model, directory);
    }

    [Fact]
    public void SaveWeightsRecordsTheDeclarationThatInspectPrintsAndVerifyCompiles()
    {
        var (model, directory) = SavedFixture("stacked_lstm_mlp");
        var declared = Assert.IsAssignableFrom<IDeclaredModel>(model);
        Assert.Matches(@"^\d+\.\d+\.\d+", declared.GeneratorVersion);

        string saved = Path.Combine(directory, "model.safetensors");
        var metadata = SafeTensorsFile.Read(saved).Metadata;
        Assert.Equal(declared.Declaration, metadata[WeightsMetadata.Declaration]);
        Assert.Equal(declared.GeneratorVersion, metadata[WeightsMetadata.GeneratorVersion]);
        Assert.Equal("kept", metadata["mine"]);

        var (exit, output, error) = Cli("inspect", saved);
        Assert.Equal(0, exit);
        Assert.EndsWith("Declaration (recorded in the file):\n\n" + declared.Declaration, output);
        Assert.Equal("", error);

        // No --declaration and no model.onnx: verify compiles the recorded declaration (the ReLU and Over that the
        // weights cannot tell included) and matches PyTorch's output.
        (exit, output, error) = Cli("verify", directory);
        Assert.True(exit == 0, output + error);
        Assert.Contains("PASS  stacked_lstm_mlp (safetensors)  y ", output);
        Assert.Equal("", error);
    }

    /// <summary>
    /// The declaration a generated class records is the one it was written from, in the form rnngen import and inspect
    /// print: each fixture's hand-written Model.cs comes back to the character.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures.WithStateDict), MemberType = typeof(Fixtures))]
    public void AGeneratedClassRecordsTheDeclarationItWasWrittenFrom(string name)
    {
        string source = File.ReadAllText(Path.Combine(Fixtures.Directory(name), "Model.cs")).ReplaceLineEndings("\n");
        var compiled = ModelCompiler.Compile([source]);
        Assert.Equal(source, ((IDeclaredModel)compiled.Create("Model")).Declaration);
    }

    /// <summary>--version names the generator whose version the models the tool compiles carry.</summary>
    [Fact]
    public void TheToolNamesTheGeneratorItEmbeds()
    {
        var (exit, output, _) = Cli("--version");
        Assert.Equal(0, exit);
        string version = Embedded();
        Assert.Equal($"rnngen {version} (RnnGen generator {version})\n", output);
    }

    /// <summary>The version of the generator the tool embeds, as the models it compiles record it.</summary>
    private static string Embedded()
    {
        var compiled = ModelCompiler.Compile(["[RnnGen.RecurrentModel(InputSize = 1, SequenceLength = 2)][RnnGen.Rnn(1)] public partial class V { }"]);
        return ((IDeclaredModel)compiled.Create("V")).GeneratorVersion;
    }

    /// <summary>inspect, verify and bench warn in one line on standard error when the file's generator is not the tool's, and still work.</summary>
    [Fact]
    public void AFileFromAnotherGeneratorVersionIsOneWarningLine()
    {
        var (_, directory) = SavedFixture("bilstm_hn_head");
        string saved = Path.Combine(directory, "model.safetensors");
        var file = SafeTensorsFile.Read(saved);
        var metadata = file.Metadata.ToDictionary(p => p.Key, p => p.Value);
        metadata[WeightsMetadata.GeneratorVersion] = "0.0.1-older";
        new SafeTensorsFile(file.Tensors, metadata).Write(saved);
        string warning = $"rnngen: warning: {saved} was written with RnnGen generator 0.0.1-older, but this rnngen embeds generator {Embedded()}; the code it generates may differ\n";

        var (exit, output, error) = Cli("inspect", saved);
        Assert.Equal(0, exit);
        Assert.Equal(warning, error);
        Assert.Contains("[Dense(3, Module = \"fc\", Over = Steps.Final)]", output);

        (exit, output, error) = Cli("verify", directory);
        Assert.True(exit == 0, output + error);
        Assert.Contains("PASS  bilstm_hn_head (safetensors)", output);
        Assert.Equal(warning, error);

        var errors = new StringWriter();
        Assert.Equal(0, BenchCommand.Run(saved, new InferenceOptions(), iterations: 2, warmup: 1, new StringWriter(), warmupMilliseconds: 0, errors));
        Assert.Equal(warning, errors.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// The issue's first complaint: a module with self.lstm and self.fc loaded by a declaration without Module names. The
    /// error lists the file's closest names and the Module to set on each part.
    /// </summary>
    [Fact]
    public void AMissingTensorSaysWhichNamesAreClosestAndWhichModuleToSet()
    {
        var compiled = ModelCompiler.Compile(["""
            using RnnGen;
            [RecurrentModel(InputSize = 6, SequenceLength = 16)]
            [Lstm(16)]
            [Dense(4)]
            public partial class Unnamed { }
            """]);
        var model = compiled.Create("Unnamed");
        string path = Path.Combine(Fixtures.Directory("lstm_classifier"), "model.safetensors");
        float[] before = model.Parameters.ToArray();
        var e = Assert.Throws<WeightFormatException>(() => model.LoadWeights(path));
        Assert.Contains("6 of the model's 6 tensors not found: rnn.weight_ih_l0 [64, 6]", e.Message);
        Assert.Contains("Closest names in the file: rnn.weight_ih_l0: lstm.weight_ih_l0, lstm.weight_hh_l0; rnn.weight_hh_l0: lstm.weight_hh_l0, lstm.weight_ih_l0; rnn.bias_ih_l0: lstm.bias_ih_l0, lstm.bias_hh_l0.", e.Message);
        Assert.Contains("To load the file's own names, set Module = \"lstm\" on the recurrent layer whose tensors are now rnn.*_l0, and Module = \"fc\" on the [Dense] whose tensors are now head.*.", e.Message);
        Assert.True(model.Parameters.ToArray().AsSpan().SequenceEqual(before), "a failed load leaves the parameters as they were");

        // With the Module names the message suggests, the same file loads as it is.
        var named = ModelCompiler.Compile(["""
            using RnnGen;
            [RecurrentModel(InputSize = 6, SequenceLength = 16)]
            [Lstm(16, Module = "lstm")]
            [Dense(4, Module = "fc")]
            public partial class Named { }
            """]).Create("Named");
        named.LoadWeights(path);
    }

    /// <summary>Separate modules, each numbered from l0: the hint tells them apart by shape.</summary>
    [Fact]
    public void TheModuleHintMatchesEachLayerByShape()
    {
        var compiled = ModelCompiler.Compile(["""
            using RnnGen;
            [RecurrentModel(InputSize = 5, SequenceLength = 16)]
            [Lstm(24)]
            [Lstm(16)]
            [Dense(2, Module = "fc")]
            public partial class Stacked { }
            """]);
        var e = Assert.Throws<WeightFormatException>(() => compiled.Create("Stacked").LoadWeights(Path.Combine(Fixtures.Directory("two_lstm_modules"), "model.safetensors")));
        Assert.Contains("set Module = \"lstm1\" on the recurrent layer whose tensors are now rnn.*_l0, and Module = \"lstm2\" on the recurrent layer whose tensors are now rnn.*_l1.", e.Message);
    }
}
