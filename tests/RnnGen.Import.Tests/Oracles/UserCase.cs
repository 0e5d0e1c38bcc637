using System.Text.Json;

namespace RnnGen.Import.Tests.Oracles;

/// <summary>A fixture's case.json (rnngen-user-case/1), read by the tests themselves.</summary>
internal sealed record UserCase(double[][]? X, int[]? Tokens, double[] Expected, bool BatchFirst)
{
    public int Steps => Tokens?.Length ?? X!.Length;

    public int Features => X?[0].Length ?? 0;

    public static UserCase Load(string directory)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "case.json")));
        var root = json.RootElement;
        Assert.Equal("rnngen-user-case/1", root.GetProperty("schema").GetString());
        var x = root.GetProperty("inputs").GetProperty("x");
        bool tokens = x[0].ValueKind == JsonValueKind.Number;
        var expected = new List<double>();
        Flatten(root.GetProperty("expected").GetProperty("y"), expected);
        return new UserCase(
            tokens ? null : x.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray(),
            tokens ? x.EnumerateArray().Select(v => v.GetInt32()).ToArray() : null,
            [.. expected],
            root.GetProperty("input_layout").GetString() == "batch_first");
    }

    private static void Flatten(JsonElement e, List<double> into)
    {
        if (e.ValueKind == JsonValueKind.Array) foreach (var item in e.EnumerateArray()) Flatten(item, into);
        else into.Add(e.GetDouble());
    }
}
