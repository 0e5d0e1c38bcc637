using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;

namespace RnnGen.Generator;

/// <summary>
/// Finds classes marked [RecurrentModel], parses each into a <see cref="ModelSpec"/> (or diagnostics) and emits
/// <c>{Namespace}.{Type}.g.cs</c> with Step, Forward and Backward specialised to that shape.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RecurrentModelGenerator : IIncrementalGenerator
{
    private const string AttributeName = AttributeNames.RecurrentModel;

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax,
                transform: static (ctx, ct) => ModelParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parsed);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        var specs = parsed
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.Specs);

        context.RegisterSourceOutput(diagnostics, static (spc, items) =>
        {
            foreach (var item in items)
                spc.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ById(item.Id),
                    item.Location?.ToLocation(),
                    item.Arguments.Cast<object>().ToArray()));
        });

        context.RegisterSourceOutput(specs, static (spc, spec) =>
        {
            if (spec is not null)
                spc.AddSource(ModelEmitter.HintName(spec), ModelEmitter.Emit(spec, spc.CancellationToken));
        });

        EmbeddedWeightsPipeline.Register(context, parsed);
    }
}
