using System.Text.Json;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// A user's case in the <c>rnngen-user-case/1</c> format (case.json beside model.onnx and/or model.safetensors, as
/// rnngen_export.py writes it): one input sequence, <c>x</c> [T][I] floats or [T] token ids, and the model's output
/// <c>y</c> for it with the batch axis dropped, [K] or [T][K]. Arrays are flattened row-major.
/// </summary>
public sealed record UserCase
{
    public const string Schema = "rnngen-user-case/1";

    public required string Name { get; init; }
    public required string Directory { get; init; }
    public float[]? X { get; init; }
    public int[]? Tokens { get; init; }
    public required int Steps { get; init; }
    public required int Features { get; init; }
    public required double[] Expected { get; init; }
    public required string InputLayout { get; init; }

    public string OnnxPath => Path.Combine(Directory, "model.onnx");
    public string WeightsPath => Path.Combine(Directory, "model.safetensors");

    /// <summary>Whether the case.json in <paramref name="directory"/> declares this format (false if it is missing or another format).</summary>
    public static bool IsUserCase(string directory)
    {
        string path = Path.Combine(directory, "case.json");
        if (!File.Exists(path)) return false;
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("schema", out var schema)
                && schema.ValueKind == JsonValueKind.String && schema.GetString() == Schema;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <exception cref="CaseFormatException">The directory or its case.json is not a usable user case; the message says what is wrong.</exception>
    public static UserCase Load(string directory)
    {
        string jsonPath = Path.Combine(directory, "case.json");
        if (!File.Exists(Path.Combine(directory, "model.onnx")) && !File.Exists(Path.Combine(directory, "model.safetensors")))
            throw new CaseFormatException($"{directory}: no model.onnx or model.safetensors beside case.json");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var root = doc.RootElement;
            if (!root.TryGetProperty("schema", out var schema) || schema.GetString() != Schema)
                throw new CaseFormatException($"{jsonPath}: not a {Schema} file");
            var x = Property(root, "inputs", jsonPath).GetProperty("x");
            var y = Property(Property(root, "expected", jsonPath), "y", jsonPath);
            string layout = root.TryGetProperty("input_layout", out var l) ? l.GetString() ?? "" : "batch_first";
            if (layout is not ("batch_first" or "time_major"))
                throw new CaseFormatException($"{jsonPath}: input_layout '{layout}' is neither batch_first nor time_major");
            if (x.ValueKind != JsonValueKind.Array || x.GetArrayLength() == 0)
                throw new CaseFormatException($"{jsonPath}: inputs.x must be a non-empty array: [T][I] floats or [T] token ids");

            var expected = new List<double>();
            Flatten(y, expected, jsonPath, "expected.y");
            if (expected.Count == 0) throw new CaseFormatException($"{jsonPath}: expected.y is empty");
            var common = new UserCase
            {
                Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)),
                Directory = directory,
                Steps = x.GetArrayLength(),
                Features = 0,
                Expected = [.. expected],
                InputLayout = layout,
            };
            if (x[0].ValueKind == JsonValueKind.Number)
            {
                var tokens = x.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out int v) && v >= 0
                    ? v
                    : throw new CaseFormatException($"{jsonPath}: inputs.x is a sequence of token ids, and {t.GetRawText()} is not a non-negative integer")).ToArray();
                return common with { Tokens = tokens };
            }
            int features = x[0].ValueKind == JsonValueKind.Array ? x[0].GetArrayLength() : 0;
            if (features == 0) throw new CaseFormatException($"{jsonPath}: inputs.x[0] must be an array of features (or x a list of token ids)");
            var values = new List<double>();
            int step = 0;
            foreach (var row in x.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != features)
                    throw new CaseFormatException($"{jsonPath}: inputs.x[{step}] has {(row.ValueKind == JsonValueKind.Array ? row.GetArrayLength() : 0)} features, inputs.x[0] has {features}");
                Flatten(row, values, jsonPath, $"inputs.x[{step}]");
                step++;
            }
            return common with { X = values.Select(v => (float)v).ToArray(), Features = features };
        }
        catch (JsonException e)
        {
            throw new CaseFormatException($"{jsonPath}: not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaseFormatException($"{jsonPath}: cannot be read: {e.Message}");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw new CaseFormatException($"{jsonPath}: {e.Message}");
        }
    }

    private static JsonElement Property(JsonElement element, string name, string path)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : throw new CaseFormatException($"{path}: no '{name}'");

    private static void Flatten(JsonElement element, List<double> into, string path, string what)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Flatten(item, into, path, what);
            return;
        }
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
            throw new CaseFormatException($"{path}: {what} holds {element.GetRawText()}, not a finite number");
        into.Add(value);
    }
}
