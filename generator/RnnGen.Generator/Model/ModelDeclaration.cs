using System.Globalization;
using System.Text;
using RnnGen.Generator.Contract;

namespace RnnGen.Generator.Model;

/// <summary>
/// A <see cref="ModelSpec"/> written back as the declaration a user types, in the form <c>rnngen import</c> and
/// <c>inspect</c> print (RnnGen.Import's <c>DeclarationText</c>): <c>using RnnGen;</c>, the namespace, one attribute per
/// line with only the options that differ from their defaults (the head's first layer always states <c>Over</c>), and
/// <c>public partial class {Type} { }</c>. The generated class records it (<c>Declaration</c>) and <c>SaveWeights</c>
/// stores it in the file, so <c>rnngen</c> compiles exactly the model that was saved. Build-time <c>Weights</c> and
/// containing types are left out: the text declares the same model as a class of its own.
/// </summary>
internal static class ModelDeclaration
{
    public static string Write(ModelSpec spec)
    {
        var text = new StringBuilder("using RnnGen;\n\n");
        if (spec.Namespace.Length > 0) text.Append("namespace ").Append(spec.Namespace).Append(";\n\n");
        text.Append(ModelAttribute(spec)).Append('\n');
        for (int part = 0; part < PartCount(spec); part++) text.Append(Part(spec, part)).Append('\n');
        return text.Append("public partial class ").Append(spec.TypeName).Append(" { }\n").ToString();
    }

    /// <summary>The layer attributes: the embedding, the recurrent layers, the dense layers.</summary>
    public static int PartCount(ModelSpec spec) => (spec.Embedding is null ? 0 : 1) + spec.Layers.Count + (spec.Head?.Layers.Count ?? 0);

    /// <summary>The attribute of part <paramref name="part"/> (the numbering of <see cref="ParameterEntry.Part"/>), e.g. <c>[Lstm(20, Module = "lstm")]</c>.</summary>
    public static string Part(ModelSpec spec, int part)
    {
        if (spec.Embedding is { } e)
        {
            if (part == 0) return $"[Embedding({N(e.VocabularySize)}, {N(e.Dimension)}{ModuleOption(e.Module)})]";
            part--;
        }
        if (part < spec.Layers.Count) return Layer(spec.Layers[part]);
        part -= spec.Layers.Count;
        var head = spec.Head!;
        var dense = head.Layers[part];
        var options = new List<string> { N(dense.Outputs) };
        if (dense.Activation != Activation.Linear) options.Add($"Activation.{dense.Activation}");
        if (dense.Module is not null) options.Add($"Module = {Quote(dense.Module)}");
        if (part == 0) options.Add($"Over = Steps.{head.Over}");
        if (!dense.Bias) options.Add("Bias = false");
        return $"[Dense({string.Join(", ", options)})]";
    }

    /// <summary>Part <paramref name="part"/> for a message: its attribute and place, e.g. <c>[Lstm(8)] (layer 2)</c>, <c>[Dense(3)] (head layer 1)</c>.</summary>
    public static string Describe(ModelSpec spec, int part)
    {
        int layer = part - (spec.Embedding is null ? 0 : 1);
        string place = layer < 0 ? "the embedding" : layer < spec.Layers.Count ? $"layer {N(layer)}" : $"head layer {N(layer - spec.Layers.Count)}";
        return $"{Part(spec, part)} ({place})";
    }

    private static string ModelAttribute(ModelSpec spec)
    {
        var options = new List<string>();
        if (spec.Embedding is null) options.Add($"InputSize = {N(spec.InputSize)}");
        options.Add($"SequenceLength = {N(spec.SequenceLength)}");
        if (spec.ExactActivations) options.Add("Activations = ActivationPrecision.Exact");
        if (spec.Precision != WeightPrecision.Float32) options.Add($"Precision = WeightPrecision.{spec.Precision}");
        return $"[RecurrentModel({string.Join(", ", options)})]";
    }

    private static string Layer(LayerSpec layer)
    {
        var options = new List<string> { N(layer.HiddenSize) };
        if (layer.ProjectionSize > 0) options.Add($"ProjectionSize = {N(layer.ProjectionSize)}");
        if (layer.Bidirectional) options.Add("Bidirectional = true");
        if (!layer.Bias) options.Add("Bias = false");
        if (layer.Cell == CellKind.Gru && !layer.ResetAfter) options.Add("ResetAfter = false");
        if (layer.Cell == CellKind.RnnRelu) options.Add("Activation = Activation.Relu");
        string name = layer.Cell switch { CellKind.Lstm => "Lstm", CellKind.Gru => "Gru", _ => "Rnn" };
        return $"[{name}({string.Join(", ", options)}{ModuleOption(layer.Module)})]";
    }

    private static string ModuleOption(string? module) => module is null ? "" : $", Module = {Quote(module)}";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
