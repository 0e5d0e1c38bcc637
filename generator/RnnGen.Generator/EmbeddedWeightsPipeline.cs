using Microsoft.CodeAnalysis;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;

namespace RnnGen.Generator;

/// <summary>
/// The build-time weights branch of the pipeline: the weight descriptions the build targets add as additional files
/// (<see cref="WeightsFile"/>), checked against every model that names one, and the loader part emitted for it.
/// Models without <c>Weights</c> never enter it, and an edit elsewhere leaves both steps cached.
/// </summary>
internal static class EmbeddedWeightsPipeline
{
    public static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult> parsed)
    {
        var files = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(WeightsFile.Extension, StringComparison.OrdinalIgnoreCase))
            .Select(static (file, ct) => WeightsFile.Read(file, ct))
            .Collect()
            .Select(static (all, _) => all.ToEquatableArray())
            .WithTrackingName(TrackingNames.WeightsFiles);

        var checks = parsed
            .Where(static result => result.Spec?.Weights is not null)
            .Combine(files)
            .Select(static (pair, _) => WeightsFileCheck.Check(pair.Left.Spec!, pair.Left.WeightsLocation, pair.Right))
            .WithTrackingName(TrackingNames.EmbeddedWeights);

        context.RegisterSourceOutput(checks, static (spc, weights) =>
        {
            foreach (var item in weights.Diagnostics)
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ById(item.Id), item.Location?.ToLocation(), item.Arguments.Cast<object>().ToArray()));
            spc.AddSource(EmbeddedWeightsEmitter.HintName(weights.Spec), EmbeddedWeightsEmitter.Emit(weights));
        });
    }
}
