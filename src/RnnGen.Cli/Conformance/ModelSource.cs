using System.Globalization;
using System.Text;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// Writes the C# declaration of a model from a PyTorch export's safetensors metadata (cell, sizes, layers,
/// directions, bias, projection, head), exactly as a user would annotate it.
/// </summary>
public static class ModelSource
{
    /// <summary>
    /// The attribute-annotated partial class for <paramref name="metadata"/>, named <paramref name="typeName"/>, with its
    /// recurrent weights in <paramref name="precision"/>.
    /// </summary>
    /// <exception cref="CaseFormatException">A key is missing or names an architecture RnnGen does not build.</exception>
    public static string Declare(IReadOnlyDictionary<string, string> metadata, int sequenceLength, string typeName, WeightPrecision precision = WeightPrecision.Float32)
    {
        string cell = Get(metadata, "cell");
        int input = Int(metadata, "input_size"), hidden = Int(metadata, "hidden_size"), layers = Int(metadata, "num_layers");
        int projection = metadata.ContainsKey("proj_size") ? Int(metadata, "proj_size") : 0;
        bool bidirectional = Bool(metadata, "bidirectional"), bias = Bool(metadata, "bias");
        string head = metadata.TryGetValue("head", out var h) ? h : "none";

        string attribute = cell switch
        {
            "lstm" => "Lstm",
            "gru" => "Gru",
            "rnn_tanh" or "rnn_relu" => "Rnn",
            _ => throw new CaseFormatException($"unsupported cell '{cell}' (expected lstm, gru, rnn_tanh or rnn_relu)"),
        };
        var options = new List<string>();
        if (bidirectional) options.Add("Bidirectional = true");
        if (!bias) options.Add("Bias = false");
        if (projection > 0) options.Add($"ProjectionSize = {projection.ToString(CultureInfo.InvariantCulture)}");
        if (cell == "rnn_relu") options.Add("Activation = global::RnnGen.Activation.Relu");
        string layerLine = $"[global::RnnGen.{attribute}({hidden.ToString(CultureInfo.InvariantCulture)}{string.Concat(options.Select(o => ", " + o))})]";

        var source = new StringBuilder();
        string precisionSetting = precision == WeightPrecision.Float32 ? "" : $", Precision = global::RnnGen.WeightPrecision.{precision}";
        source.AppendLine($"[global::RnnGen.RecurrentModel(InputSize = {input.ToString(CultureInfo.InvariantCulture)}, SequenceLength = {sequenceLength.ToString(CultureInfo.InvariantCulture)}{precisionSetting})]");
        for (int k = 0; k < layers; k++) source.AppendLine(layerLine);
        switch (head)
        {
            case "none": break;
            case "linear_last_step":
            case "linear_every_step":
                int outputs = Int(metadata, "head_out_features");
                string over = head == "linear_every_step" ? "Every" : "Last";
                source.AppendLine($"[global::RnnGen.Dense({outputs.ToString(CultureInfo.InvariantCulture)}, Over = global::RnnGen.Steps.{over})]");
                break;
            default:
                throw new CaseFormatException($"unsupported head '{head}' (expected none, linear_last_step or linear_every_step)");
        }
        source.AppendLine($"public partial class {typeName} {{ }}");
        return source.ToString();
    }

    private static string Get(IReadOnlyDictionary<string, string> metadata, string key)
        => metadata.TryGetValue(key, out var value) ? value : throw new CaseFormatException($"metadata has no '{key}'");

    private static int Int(IReadOnlyDictionary<string, string> metadata, string key)
        => int.TryParse(Get(metadata, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new CaseFormatException($"metadata '{key}' is not an integer: '{metadata[key]}'");

    private static bool Bool(IReadOnlyDictionary<string, string> metadata, string key) => Get(metadata, key) switch
    {
        "true" or "True" => true,
        "false" or "False" => false,
        var other => throw new CaseFormatException($"metadata '{key}' is not true/false: '{other}'"),
    };
}
