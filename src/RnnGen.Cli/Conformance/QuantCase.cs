using System.Text.Json;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// A low-precision accuracy case in the <c>rnngen-quant-case/1</c> format (case.json beside a float32
/// model.safetensors, as tests/RnnGen.Generator.Tests/Cases/make_quant_cases.py writes them): one input sequence
/// <c>x</c> [T][I], the float32 module's output <c>y</c>, PyTorch's dynamic-int8 output of the same module and its
/// largest error, and the output of the module with bfloat16-rounded weights and its largest error. Arrays are
/// flattened row-major.
/// </summary>
public sealed record QuantCase
{
    public const string Schema = "rnngen-quant-case/1";

    public required string Name { get; init; }
    public required string Directory { get; init; }
    public required float[] X { get; init; }
    public required int Steps { get; init; }
    public required double[] Expected { get; init; }

    /// <summary>max |y_pytorch_int8 − y|: what PyTorch's <c>quantize_dynamic</c> gives up on this case.</summary>
    public required double PyTorchInt8Error { get; init; }

    /// <summary>max |y_bf16_weights − y|: what rounding the weights to bfloat16 gives up on this case.</summary>
    public required double BFloat16WeightsError { get; init; }

    public string WeightsPath => Path.Combine(Directory, "model.safetensors");

    /// <summary>The error a model of <paramref name="precision"/> may have on this case: 1.5 × the reference's, plus 1e-6.</summary>
    public double Bound(WeightPrecision precision) => 1.5 * (precision == WeightPrecision.Int8 ? PyTorchInt8Error : BFloat16WeightsError) + 1e-6;

    /// <summary>Whether the case.json in <paramref name="directory"/> declares this format.</summary>
    public static bool IsQuantCase(string directory) => SchemaOf(directory) == Schema;

    /// <summary>The <c>schema</c> of the case.json in <paramref name="directory"/>, or null when there is none or it is unreadable.</summary>
    internal static string? SchemaOf(string directory)
    {
        string path = Path.Combine(directory, "case.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("schema", out var schema)
                && schema.ValueKind == JsonValueKind.String ? schema.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <exception cref="CaseFormatException">The directory or its case.json is not a usable case; the message says what is wrong.</exception>
    public static QuantCase Load(string directory)
    {
        string jsonPath = Path.Combine(directory, "case.json");
        if (!File.Exists(Path.Combine(directory, "model.safetensors")))
            throw new CaseFormatException($"{directory}: no model.safetensors beside case.json");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var root = doc.RootElement;
            if (!root.TryGetProperty("schema", out var schema) || schema.GetString() != Schema)
                throw new CaseFormatException($"{jsonPath}: not a {Schema} file");
            var x = root.GetProperty("inputs").GetProperty("x");
            var expected = root.GetProperty("expected");
            return new QuantCase
            {
                Name = root.TryGetProperty("name", out var name) ? name.GetString() ?? Path.GetFileName(directory) : Path.GetFileName(directory),
                Directory = directory,
                X = Doubles(x).Select(v => (float)v).ToArray(),
                Steps = x.GetArrayLength(),
                Expected = Doubles(expected.GetProperty("y")),
                PyTorchInt8Error = Finite(root.GetProperty("pytorch_int8_max_abs_err").GetDouble(), "pytorch_int8_max_abs_err", jsonPath),
                BFloat16WeightsError = Finite(root.GetProperty("bf16_weights_max_abs_err").GetDouble(), "bf16_weights_max_abs_err", jsonPath),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CaseFormatException($"{jsonPath}: {e.Message}");
        }
    }

    private static double Finite(double value, string what, string path) =>
        double.IsFinite(value) && value >= 0 ? value : throw new CaseFormatException($"{path}: {what} must be a finite, non-negative number");

    private static double[] Doubles(JsonElement element)
    {
        var values = new List<double>();
        Flatten(element, values);
        return values.ToArray();
    }

    private static void Flatten(JsonElement element, List<double> into)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Flatten(item, into);
        else
            into.Add(element.GetDouble());
    }
}
