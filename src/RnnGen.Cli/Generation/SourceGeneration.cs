using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Cli.Conformance;
using RnnGen.Generator;

namespace RnnGen.Cli.Generation;

/// <summary>One file the generator produced.</summary>
internal sealed record GeneratedFile(string HintName, string Text);

/// <summary>
/// Runs the RnnGen generator on declaration sources exactly as a build would, and returns what it generated together
/// with its diagnostics and the sources' syntax errors.
/// </summary>
internal static class SourceGeneration
{
    public static (IReadOnlyList<GeneratedFile> Files, IReadOnlyList<Diagnostic> Errors) Run(IReadOnlyList<(string Path, string Text)> sources, IEnumerable<AdditionalText>? additionalFiles = null)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, path: s.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            "RnnGen.Emit",
            trees,
            ModelCompiler.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new RecurrentModelGenerator().AsSourceGenerator()],
            additionalTexts: additionalFiles?.ToImmutableArray() ?? ImmutableArray<AdditionalText>.Empty,
            parseOptions: parseOptions);
        driver = driver.RunGenerators(compilation);
        var result = driver.GetRunResult();
        var errors = trees.SelectMany(t => t.GetDiagnostics())
            .Concat(result.Diagnostics)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .ToList();
        var files = result.Results.SelectMany(r => r.GeneratedSources).Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString())).ToList();
        return (files, errors);
    }
}
