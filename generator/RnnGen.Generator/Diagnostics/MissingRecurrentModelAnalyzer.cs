using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generator.Parsing;

namespace RnnGen.Generator.Diagnostics;

/// <summary>
/// Reports RNN020 on a class that carries layer attributes but no <c>[RecurrentModel]</c>. The generator enters only
/// through <c>[RecurrentModel]</c>, so without this such a class builds silently and the user meets CS1061 ("does not
/// contain a definition for 'Step'") at the call site instead. A separate analyzer, not a generator output: it must see
/// exactly the classes the generator's pipeline never visits.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingRecurrentModelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.MissingRecurrentModel];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // A compilation without the RnnGen runtime has no such attributes: nothing to check.
            if (start.Compilation.GetTypeByMetadataName(AttributeNames.RecurrentModel) is not { } recurrentModel) return;
            var layers = new List<INamedTypeSymbol>();
            foreach (string name in AttributeNames.Layers)
                if (start.Compilation.GetTypeByMetadataName(name) is { } layer) layers.Add(layer);
            start.RegisterSymbolAction(c => Analyze(c, recurrentModel, layers), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol recurrentModel, List<INamedTypeSymbol> layers)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        AttributeData? firstLayer = null;
        var names = new List<string>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass is not { } attributeClass) continue;
            if (SymbolEqualityComparer.Default.Equals(attributeClass, recurrentModel)) return;
            if (!layers.Contains(attributeClass, SymbolEqualityComparer.Default)) continue;
            firstLayer ??= attribute;
            string name = attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length);
            if (!names.Contains(name)) names.Add(name);
        }
        if (firstLayer is null) return;

        // On the identifier of the declaration that holds the first layer attribute (a partial class may have several).
        var declaration = firstLayer.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).Parent?.Parent;
        Location location = declaration is Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax typeDeclaration
            ? typeDeclaration.Identifier.GetLocation()
            : type.Locations.FirstOrDefault() ?? Location.None;
        // With an embedding the input is a token, so InputSize is left out (RNN012 otherwise).
        string fix = names.Contains("Embedding")
            ? "[RecurrentModel(SequenceLength = <unroll window>)]"
            : "[RecurrentModel(InputSize = <floats per step>, SequenceLength = <unroll window>)]";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MissingRecurrentModel, location, type.Name, string.Join("], [", names), fix));
    }
}
