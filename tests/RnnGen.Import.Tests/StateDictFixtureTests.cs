using RnnGen.Cli.Commands;
using RnnGen.Import.Tests.Oracles;
using RnnGen.Weights;

namespace RnnGen.Import.Tests;

/// <summary>
/// The fixtures' hand-written declarations (Model.cs, in the contract of issue 14: Module names, MLP heads,
/// Steps.Final) load each module's own state_dict as it is and compute PyTorch's output, in the float64 reference model.
/// These are the declarations the generator must compile for the same files.
/// </summary>
public sealed class StateDictFixtureTests
{
    [Theory]
    [MemberData(nameof(Fixtures.WithStateDict), MemberType = typeof(Fixtures))]
    public void TheContractDeclarationLoadsTheStateDictAsItIsAndComputesPyTorch(string name)
    {
        string directory = Fixtures.Directory(name);
        var c = UserCase.Load(directory);
        var declared = DeclaredModel.Parse(File.ReadAllText(Path.Combine(directory, "Model.cs")));
        var weights = SafeTensorsFile.Read(Path.Combine(directory, "model.safetensors"));
        var got = new ReferenceModel(declared, weights).Run(c.X, c.Tokens);
        Fixtures.AssertClose(c.Expected, got, $"{name}: Model.cs with model.safetensors against PyTorch");
    }

    /// <summary>The oracle tells Over = Steps.Last from Steps.Final on a bidirectional layer (the silently wrong numbers).</summary>
    [Fact]
    public void LastStepInsteadOfFinalStateOnABidirectionalLayerFailsTheOracle()
    {
        string directory = Fixtures.Directory("bilstm_hn_head");
        var c = UserCase.Load(directory);
        string source = File.ReadAllText(Path.Combine(directory, "Model.cs")).Replace("Steps.Final", "Steps.Last");
        var got = new ReferenceModel(DeclaredModel.Parse(source), SafeTensorsFile.Read(Path.Combine(directory, "model.safetensors"))).Run(c.X, c.Tokens);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Fixtures.AssertClose(c.Expected, got, "Over = Steps.Last"));
    }

    private static string Inspect(string path, out string output)
    {
        var writer = new StringWriter();
        var error = new StringWriter();
        Assert.True(RnnGenCommandLine.Run(["inspect", path, "--name", "Model", "-T", "16"], writer, error) == 0, error.ToString());
        output = writer.ToString().ReplaceLineEndings("\n");
        return output[(output.IndexOf("Declaration:\n\n", StringComparison.Ordinal) + "Declaration:\n\n".Length)..];
    }

    /// <summary>
    /// rnngen inspect on each module's own state_dict finds the same parts, sizes and module names as the hand-written
    /// declaration, accounts for every tensor, and its declaration loads the file as it is; with the choices the weights
    /// cannot tell (activations, Over, tanh/ReLU, reset placement) set as Model.cs sets them, it computes PyTorch's output.
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures.WithStateDict), MemberType = typeof(Fixtures))]
    public void InspectInfersTheDeclarationThatLoadsTheStateDictAsItIs(string name)
    {
        string directory = Fixtures.Directory(name);
        var weights = SafeTensorsFile.Read(Path.Combine(directory, "model.safetensors"));
        var inferred = DeclaredModel.Parse(Inspect(Path.Combine(directory, "model.safetensors"), out string output));
        var truth = DeclaredModel.Parse(File.ReadAllText(Path.Combine(directory, "Model.cs")));
        Assert.DoesNotContain("not understood", output);
        Assert.DoesNotContain("does not continue the head", output);

        Assert.Equal(truth.InputSize, inferred.InputSize);
        Assert.Equal(truth.Embedding, inferred.Embedding);
        Assert.Equal(truth.Layers.Select(l => l with { ResetAfter = true, Relu = false }), inferred.Layers);
        Assert.Equal(truth.Head.Select(d => d with { Activation = "" }), inferred.Head.Select(d => d with { Activation = "" }));
        _ = new ReferenceModel(inferred, weights);

        var chosen = inferred with
        {
            Over = truth.Over,
            Layers = inferred.Layers.Select((l, i) => l with { ResetAfter = truth.Layers[i].ResetAfter, Relu = truth.Layers[i].Relu }).ToList(),
            Head = inferred.Head.Select((d, i) => d with { Activation = truth.Head[i].Activation }).ToList(),
        };
        var c = UserCase.Load(directory);
        Fixtures.AssertClose(c.Expected, new ReferenceModel(chosen, weights).Run(c.X, c.Tokens), $"{name}: inspect's declaration with Model.cs's choices");
    }

    /// <summary>Where the file uses the default names, inspect's declaration builds with today's generator and verify passes.</summary>
    [Fact]
    public void InspectOfDefaultNamesBuildsAModelThatVerifies()
    {
        string directory = Fixtures.Directory("default_names");
        string declaration = Path.Combine(Path.GetTempPath(), $"rnngen-inspect-{Guid.NewGuid():N}.cs");
        try
        {
            File.WriteAllText(declaration, Inspect(Path.Combine(directory, "model.safetensors"), out _));
            var output = new StringWriter();
            Assert.Equal(0, VerifyCommand.Run([directory], gradients: false, output, new StringWriter(), declaration));
            Assert.Contains("PASS  default_names (safetensors)", output.ToString());
        }
        finally
        {
            File.Delete(declaration);
        }
    }
}
