using System.Globalization;
using System.Text;
using RnnGen.Generator.Model;

namespace RnnGen.Cli.Inspection;

/// <summary>Writes the attribute declaration of a <see cref="ModelSpec"/> as a user would type it.</summary>
internal static class DeclarationWriter
{
    /// <summary>A complete source file: <c>using RnnGen;</c>, the namespace if any, and the annotated partial class.</summary>
    /// <param name="spec">The model.</param>
    /// <param name="weights">When set, the declaration names this file as its build-time weights.</param>
    public static string Write(ModelSpec spec, string? weights = null)
    {
        var source = new StringBuilder();
        source.Append("using RnnGen;\n\n");
        if (spec.Namespace.Length > 0) source.Append($"namespace {spec.Namespace};\n\n");
        foreach (string line in AttributeLines(spec, weights)) source.Append(line).Append('\n');
        source.Append($"public partial class {spec.TypeName} {{ }}\n");
        return source.ToString();
    }

    public static IEnumerable<string> AttributeLines(ModelSpec spec, string? weights = null)
    {
        var model = new List<string>();
        if (spec.Embedding is null) model.Add($"InputSize = {N(spec.InputSize)}");
        model.Add($"SequenceLength = {N(spec.SequenceLength)}");
        if (weights is not null) model.Add($"Weights = \"{weights.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        yield return $"[RecurrentModel({string.Join(", ", model)})]";
        if (spec.Embedding is { } e) yield return $"[Embedding({N(e.VocabularySize)}, {N(e.Dimension)})]";
        foreach (var layer in spec.Layers)
        {
            var options = new List<string> { N(layer.HiddenSize) };
            if (layer.ProjectionSize > 0) options.Add($"ProjectionSize = {N(layer.ProjectionSize)}");
            if (layer.Bidirectional) options.Add("Bidirectional = true");
            if (!layer.Bias) options.Add("Bias = false");
            if (layer.Cell == CellKind.Gru && !layer.ResetAfter) options.Add("ResetAfter = false");
            if (layer.Cell == CellKind.RnnRelu) options.Add("Activation = Activation.Relu");
            string name = layer.Cell switch { CellKind.Lstm => "Lstm", CellKind.Gru => "Gru", _ => "Rnn" };
            yield return $"[{name}({string.Join(", ", options)})]";
        }
        if (spec.Head is { } h)
        {
            var options = new List<string> { N(h.Outputs) };
            if (h.Activation != Generator.Contract.Activation.Linear) options.Add($"Activation.{h.Activation}");
            options.Add($"Over = Steps.{(h.EveryStep ? "Every" : "Last")}");
            if (!h.Bias) options.Add("Bias = false");
            yield return $"[Dense({string.Join(", ", options)})]";
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
