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
}
