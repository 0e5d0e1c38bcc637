using System.Globalization;
using System.Text;

namespace RnnGen.Import.Model;

/// <summary>Writes a <see cref="ModelDescription"/> as the attribute declaration a user would type.</summary>
public static class DeclarationText
{
    /// <summary>A complete source file: <c>using RnnGen;</c>, the namespace if any, and the annotated partial class.</summary>
    /// <param name="weights">When set, the declaration names this file as its build-time weights.</param>
    public static string Write(ModelDescription model, string typeName, int sequenceLength, string @namespace = "", string? weights = null)
    {
        var source = new StringBuilder();
        source.Append("using RnnGen;\n\n");
        if (@namespace.Length > 0) source.Append($"namespace {@namespace};\n\n");
        foreach (string line in AttributeLines(model, sequenceLength, weights)) source.Append(line).Append('\n');
        source.Append($"public partial class {typeName} {{ }}\n");
        return source.ToString();
    }

    public static IEnumerable<string> AttributeLines(ModelDescription model, int sequenceLength, string? weights = null)
    {
        var options = new List<string>();
        if (model.Embedding is null) options.Add($"InputSize = {N(model.InputSize)}");
        options.Add($"SequenceLength = {N(sequenceLength)}");
        if (weights is not null) options.Add($"Weights = {Quote(weights)}");
        yield return $"[RecurrentModel({string.Join(", ", options)})]";

        if (model.Embedding is { } e)
            yield return $"[Embedding({N(e.VocabularySize)}, {N(e.Dimension)}{ModuleOption(e.Module)})]";
        foreach (var layer in model.Layers)
        {
            options = [N(layer.HiddenSize)];
            if (layer.ProjectionSize > 0) options.Add($"ProjectionSize = {N(layer.ProjectionSize)}");
            if (layer.Bidirectional) options.Add("Bidirectional = true");
            if (!layer.Bias) options.Add("Bias = false");
            if (layer.Cell == CellType.Gru && !layer.ResetAfter) options.Add("ResetAfter = false");
            if (layer.Cell == CellType.Rnn && layer.Relu) options.Add("Activation = Activation.Relu");
            string name = layer.Cell switch { CellType.Lstm => "Lstm", CellType.Gru => "Gru", _ => "Rnn" };
            yield return $"[{name}({string.Join(", ", options)}{ModuleOption(layer.Module)})]";
        }
        for (int i = 0; i < model.Head.Count; i++)
        {
            var dense = model.Head[i];
            options = [N(dense.Outputs)];
            if (dense.Activation != Activation.Linear) options.Add($"Activation.{dense.Activation}");
            if (dense.Module is not null) options.Add($"Module = {Quote(dense.Module)}");
            if (i == 0) options.Add($"Over = Steps.{model.Over}");
            if (!dense.Bias) options.Add("Bias = false");
            yield return $"[Dense({string.Join(", ", options)})]";
        }
    }

    private static string ModuleOption(string? module) => module is null ? "" : $", Module = {Quote(module)}";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
