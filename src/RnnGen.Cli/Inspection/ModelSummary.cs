using RnnGen.Import.Model;

namespace RnnGen.Cli.Inspection;

/// <summary>A model in one line, as the commands print it: <c>Lstm(20) → Lstm(20) → Dense(32, Relu, over Last) → Dense(3)</c>.</summary>
internal static class ModelSummary
{
    public static string Describe(ModelDescription m)
    {
        var parts = new List<string>();
        if (m.Embedding is { } e) parts.Add($"Embedding({e.VocabularySize}, {e.Dimension})");
        parts.AddRange(m.Layers.Select(l => $"{l.Cell}({l.HiddenSize}{(l.ProjectionSize > 0 ? $", P={l.ProjectionSize}" : "")}{(l.Bidirectional ? ", bidirectional" : "")})"));
        parts.AddRange(m.Head.Select((d, i) => $"Dense({d.Outputs}{(d.Activation != Activation.Linear ? ", " + d.Activation : "")}{(i == 0 ? ", over " + m.Over : "")})"));
        return string.Join(" → ", parts);
    }
}
