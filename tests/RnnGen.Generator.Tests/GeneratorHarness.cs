using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Cli.Conformance;
using RnnGen.Generator;

namespace RnnGen.Generator.Tests;

/// <summary>Runs the generator on source text the way the compiler does, with step tracking on.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CSharpCompilation.Create(
            "RnnGen.GeneratorTests",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            ModelCompiler.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new RecurrentModelGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The generator's diagnostics, its generated trees, and the diagnostics of the compilation that includes them.</summary>
    public static (IReadOnlyList<Diagnostic> GeneratorDiagnostics, IReadOnlyList<SyntaxTree> Generated, IReadOnlyList<Diagnostic> CompilationDiagnostics) Run(params string[] sources)
    {
        var compilation = CreateCompilation(sources);
        CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generated = output.SyntaxTrees.Skip(sources.Length).ToList();
        return (generatorDiagnostics, generated, output.GetDiagnostics());
    }
}
