using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Tests;

// Inside the namespace, so they win over the runtime's RnnGen.Activation and RnnGen.Steps.
using Activation = RnnGen.Generator.Contract.Activation;
using Steps = RnnGen.Generator.Contract.Steps;

/// <summary>The tensor names ParameterTable makes, the one place they are made: with and without Module names.</summary>
public class ParameterTableTests
{
    private static LayerSpec Lstm(string? module = null, bool bidirectional = false) => new(CellKind.Lstm, 4, 0, bidirectional, Bias: false, ResetAfter: true, module);

    private static IReadOnlyList<string> Names(IEnumerable<LayerSpec> layers, IEnumerable<DenseSpec> dense, EmbeddingSpec? embedding = null, Steps over = Steps.Last)
    {
        var head = dense.ToList();
        var spec = new ModelSpec("", "M", EquatableArray<ContainingType>.Empty, embedding?.Dimension ?? 3, 5, embedding, layers.ToEquatableArray(),
            head.Count == 0 ? null : new HeadSpec(head.ToEquatableArray(), over));
        return new ParameterTable(spec).Parameters.Select(p => p.Name).ToList();
    }

    [Fact]
    public void WithoutModuleTheNamesAreTheDefaultsLayersCountedOverTheStack()
    {
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"], Names([Lstm(), Lstm()], []));
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_hh_l0", "head.weight", "head.bias"], Names([Lstm()], [new(2, Activation.Linear, Bias: true)]));
        Assert.Equal(["embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "head.0.weight", "head.1.weight", "head.1.bias"],
            Names([Lstm()], [new(5, Activation.Relu, Bias: false), new(2, Activation.Linear, Bias: true)], new EmbeddingSpec(7, 3)));
    }

    [Fact]
    public void ARunOfLayersWithOneModuleIsOneMultiLayerModuleAndSeparateModulesStartAtL0()
    {
        Assert.Equal(["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.weight_ih_l1", "lstm.weight_hh_l1", "fc.weight"],
            Names([Lstm("lstm"), Lstm("lstm")], [new(2, Activation.Linear, Bias: false, "fc")]));
        Assert.Equal(["lstm1.weight_ih_l0", "lstm1.weight_hh_l0", "lstm2.weight_ih_l0", "lstm2.weight_hh_l0", "lstm2.weight_ih_l0_reverse", "lstm2.weight_hh_l0_reverse"],
            Names([Lstm("lstm1"), Lstm("lstm2", bidirectional: true)], []));
        // A layer without a Module after a named one starts a run of its own under rnn., from l0.
        Assert.Equal(["embed.weight", "enc.weight_ih_l0", "enc.weight_hh_l0", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "head.0.weight", "out.weight"],
            Names([Lstm("enc"), Lstm()], [new(5, Activation.Tanh, Bias: false), new(2, Activation.Linear, Bias: false, "out")], new EmbeddingSpec(7, 3, "embed")));
    }

    [Fact]
    public void DuplicatesPairEachRepeatedNameWithItsFirstUse()
    {
        var spec = new ModelSpec("", "M", EquatableArray<ContainingType>.Empty, 3, 5, null, new[] { Lstm(), Lstm("x"), Lstm() }.ToEquatableArray(), null);
        var duplicates = new ParameterTable(spec).Duplicates().Select(d => (d.First.Name, d.First.Part, d.Again.Part)).ToList();
        Assert.Equal([("weight_ih_l0", 0, 2), ("weight_hh_l0", 0, 2)], duplicates);
    }
}
