using RnnGen.Cli.Conformance;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Compiles every case's model through the real generator once, and runs all cases, forward and gradients, through the
/// single model and through its Batch (37 entities on two threads, the case in row 20: the lanes path's second block).
/// </summary>
public sealed class ConformanceFixture
{
    public const int BatchEntities = 37;

    public ConformanceFixture()
    {
        var cases = CaseNames("shared").Concat(CaseNames("extra")).Select(n => ReferenceCase.Load(CaseDirectory(n))).ToList();
        Results = CaseRunner.Run(cases, gradients: true, batchEntities: BatchEntities, batchThreads: 2).ToDictionary(r => r.Name);
    }

    public IReadOnlyDictionary<string, CaseResult> Results { get; }

    public static string CasesRoot => Path.Combine(AppContext.BaseDirectory, "Cases");

    public static IEnumerable<string> CaseNames(string set)
        => Directory.GetDirectories(Path.Combine(CasesRoot, set)).Select(d => set + "/" + Path.GetFileName(d)).Order(StringComparer.Ordinal);

    public static string CaseDirectory(string name) => Path.Combine(CasesRoot, name);
}

public class ConformanceTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    public static TheoryData<string> SharedCases => new(ConformanceFixture.CaseNames("shared"));
    public static TheoryData<string> ExtraCases => new(ConformanceFixture.CaseNames("extra"));

    [Fact]
    public void AllSharedCasesAndExtraCasesArePresent()
    {
        Assert.Equal(49, ConformanceFixture.CaseNames("shared").Count());
        Assert.Equal(18, ConformanceFixture.CaseNames("extra").Count());
    }

    [Theory]
    [MemberData(nameof(SharedCases))]
    public void SharedCaseMatchesPyTorch(string name) => AssertPasses(name);

    [Theory]
    [MemberData(nameof(ExtraCases))]
    public void ExtraCaseMatchesPyTorch(string name) => AssertPasses(name);

    private void AssertPasses(string name)
    {
        var result = fixture.Results[ReferenceCase.Load(ConformanceFixture.CaseDirectory(name)).Name];
        Assert.Null(result.Error);
        var failing = result.Arrays.Where(a => !a.Pass).Select(a => $"{a.Name}: max |error| {a.MaxAbsError:0.0e+00}").ToList();
        Assert.True(failing.Count == 0, string.Join("; ", failing));
        // Every case must have been checked on outputs, final state and gradients, not just on what happened to be present.
        Assert.Contains(result.Arrays, a => a.Name == "y");
        Assert.Contains(result.Arrays, a => a.Name == "hT");
        Assert.Contains(result.Arrays, a => a.Name == "grads.x");
        Assert.Contains(result.Arrays, a => a.Name.StartsWith("grads.params.", StringComparison.Ordinal));
        // And through the batch: outputs, final state and gradients of the case's row.
        Assert.Contains(result.Arrays, a => a.Name is "batch.y" or "batch.logits");
        Assert.Contains(result.Arrays, a => a.Name == "batch.hT");
        Assert.Contains(result.Arrays, a => a.Name == "batch.grads.x");
        Assert.Contains(result.Arrays, a => a.Name.StartsWith("batch.grads.params.", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryUnidirectionalCaseIsAlsoSteppedThroughTheBatch()
        => Assert.All(fixture.Results.Values.Where(r => !r.Name.Contains("_bi", StringComparison.Ordinal)),
            r => Assert.Contains(r.Arrays, a => a.Name == "batch.step.hT"));

    [Fact]
    public void EveryUnidirectionalCaseIsAlsoSteppedThroughItsInferenceCopy()
        => Assert.All(fixture.Results.Values.Where(r => !r.Name.Contains("_bi", StringComparison.Ordinal)), r =>
        {
            Assert.Contains(r.Arrays, a => a.Name == "inference.step.hT");
            Assert.Contains(r.Arrays, a => a.Name == "inference.step.output");
        });

    [Fact]
    public void StateCotangentVariantsAreChecked()
        => Assert.Contains(fixture.Results.Values, r => r.Arrays.Any(a => a.Name.StartsWith("state_cotangent_variant.grads.", StringComparison.Ordinal)));

    [Fact]
    public void ComparisonUsesTheStatedTolerance()
    {
        Assert.True(CaseRunner.Compare("a", [1.0 + 1.09e-4], [1.0]).Pass);
        Assert.False(CaseRunner.Compare("a", [1.0 + 1.11e-4], [1.0]).Pass);
        Assert.True(CaseRunner.Compare("a", [9e-6], [0.0]).Pass);
        Assert.False(CaseRunner.Compare("a", [1.1e-5], [0.0]).Pass);
        Assert.False(CaseRunner.Compare("a", [double.NaN], [0.0]).Pass);
        Assert.False(CaseRunner.Compare("a", [1.0, 2.0], [1.0]).Pass);
    }
}
