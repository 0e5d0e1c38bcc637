using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Cli.Conformance;
using RnnGen.Generator;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Runs the generator on source text the way the compiler does, with step tracking on. Every run is checked for
/// cacheability as NetEscapades.EnumGenerators' TestHelpers do: the generator runs a second time on a clone of the
/// compilation, where every tracked step must be Cached or Unchanged, and no tracked step's output may hold a
/// <see cref="Compilation"/>, <see cref="ISymbol"/> or <see cref="SyntaxNode"/> (which would defeat the cache and keep
/// whole compilations alive in the IDE).
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The pipeline steps this generator names (<see cref="TrackingNames"/>).</summary>
    private static readonly string[] TrackedSteps = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CSharpCompilation.Create(
            "RnnGen.GeneratorTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            ModelCompiler.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(params AdditionalText[] additionalTexts)
        => CSharpGeneratorDriver.Create(
            [new RecurrentModelGenerator().AsSourceGenerator()],
            additionalTexts: additionalTexts.ToImmutableArray(),
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The generator's diagnostics, its generated trees, and the diagnostics of the compilation that includes them.</summary>
    public static (IReadOnlyList<Diagnostic> GeneratorDiagnostics, IReadOnlyList<SyntaxTree> Generated, IReadOnlyList<Diagnostic> CompilationDiagnostics) Run(params string[] sources)
        => Run(sources, []);

    /// <inheritdoc cref="Run(string[])"/>
    public static (IReadOnlyList<Diagnostic> GeneratorDiagnostics, IReadOnlyList<SyntaxTree> Generated, IReadOnlyList<Diagnostic> CompilationDiagnostics) Run(string[] sources, AdditionalText[] additionalTexts)
    {
        var compilation = CreateCompilation(sources);
        var driver = CreateDriver(additionalTexts).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        AssertCacheable(driver, compilation);
        var generated = output.SyntaxTrees.Skip(sources.Length).ToList();
        return (generatorDiagnostics, generated, output.GetDiagnostics());
    }

    /// <summary>Runs <paramref name="driver"/> again on a clone of <paramref name="compilation"/> and checks both runs as the summary says.</summary>
    public static void AssertCacheable(GeneratorDriver driver, Compilation compilation)
    {
        var first = driver.GetRunResult().Results.Single();
        foreach (var (step, runs) in first.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)))
            foreach (var output in runs.SelectMany(r => r.Outputs))
                AssertNoCompilerObjects(output.Value, step);

        var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
        foreach (var (step, runs) in second.TrackedSteps.Where(s => TrackedSteps.Contains(s.Key)))
            foreach (var output in runs.SelectMany(r => r.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {step} was {output.Reason} when nothing changed: its output does not compare equal to the first run's");
        foreach (var output in second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(r => r.Outputs))
            Assert.Equal(IncrementalStepRunReason.Cached, output.Reason);
    }

    /// <summary>Walks <paramref name="value"/>'s fields (and the items of collections) and fails on any compiler object.</summary>
    internal static void AssertNoCompilerObjects(object? value, string step)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Visit(object? node, string path)
        {
            if (node is null) return;
            var type = node.GetType();
            Assert.False(node is Compilation or ISymbol or SyntaxNode or SemanticModel,
                $"step {step} holds a {type.Name} at {path}: pipeline models must be plain values");
            if (type.IsPrimitive || type.IsEnum || node is string || !(type.IsValueType || visited.Add(node))) return;
            if (node is IEnumerable items)
            {
                int i = 0;
                foreach (object? item in items) Visit(item, $"{path}[{i++}]");
                return;
            }
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                Visit(field.GetValue(node), $"{path}.{field.Name}");
        }
        Visit(value, step);
    }
}
