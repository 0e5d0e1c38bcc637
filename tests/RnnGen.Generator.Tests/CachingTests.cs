using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Tests;

/// <summary>The pipeline caches: an edit that does not touch a model leaves every tracked step Cached or Unchanged.</summary>
public class CachingTests
{
    private const string Model = """
        using RnnGen;
        namespace Demo;
        [RecurrentModel(InputSize = 3, SequenceLength = 8)]
        [Gru(4)]
        [Dense(2)]
        public partial class Cached { }
        """;

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Model, "class Other { int x = 1; }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("class Other { int x = 2; int y = 3; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.Parsed, TrackingNames.Diagnostics, TrackingNames.Specs })
        {
            Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"step {step} was not tracked");
            foreach (var output in runs.SelectMany(r => r.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {output.Reason}");
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void EditingTheModelRegenerates()
    {
        var compilation = GeneratorHarness.CreateCompilation(Model);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Model.Replace("[Gru(4)]", "[Gru(5)]"), GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var specs = result.TrackedSteps[TrackingNames.Specs].SelectMany(r => r.Outputs);
        Assert.Contains(specs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Hidden = 5", result.GeneratedSources.Single().SourceText.ToString());
    }

    /// <summary>The common case in an IDE: typing in the model's own file, outside the model, must not regenerate it.</summary>
    [Fact]
    public void AppendingAnUnrelatedTypeToTheModelsFileLeavesItCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Model);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Model + "\npublic class Unrelated { public int Value; }\n", GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.Diagnostics, TrackingNames.Specs })
            foreach (var output in result.TrackedSteps[step].SelectMany(r => r.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {step} was {output.Reason}");
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    /// <summary>The harness's object-graph check, which every generator test runs, does find a syntax node hidden in a model.</summary>
    [Fact]
    public void TheObjectGraphCheckFindsASyntaxNodeInsideAModel()
    {
        var node = CSharpSyntaxTree.ParseText("class C { }").GetRoot();
        var model = new { Name = "M", Layers = new List<object> { 1, ("layer", node) } };
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GeneratorHarness.AssertNoCompilerObjects(model, "Specs"));
        Assert.Contains("CompilationUnitSyntax", failure.Message);
        GeneratorHarness.AssertNoCompilerObjects(new { Name = "M", Layers = new List<object> { 1, ("layer", 2) } }, "Specs");
    }
}
