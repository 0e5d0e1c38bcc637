using System.Text.Json;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// One oracle case in the <c>rnn-oracle-case/1</c> format (case.json beside model.safetensors): the inputs, the
/// expected float64 results and gradients. Arrays are flattened row-major; see the reference README for shapes.
/// </summary>
public sealed record ReferenceCase
{
    public required string Name { get; init; }
    public required string Directory { get; init; }
    public required string WeightsPath { get; init; }
    public required int SequenceLength { get; init; }
    public required float[] X { get; init; }
    public required float[] H0 { get; init; }
    public float[]? C0 { get; init; }
    public int[]? Targets { get; init; }
    public float[]? OutputCotangent { get; init; }
    public required IReadOnlyDictionary<string, double[]> Expected { get; init; }
    public double? ExpectedLoss { get; init; }
    public GradientSet? Gradients { get; init; }
    public StateVariant? StateCotangentVariant { get; init; }

    /// <summary>dL/d(x, h0, c0, parameters by state_dict name), float64.</summary>
    public sealed record GradientSet(double[] X, double[] H0, double[]? C0, IReadOnlyDictionary<string, double[]> Parameters);

    /// <summary>The same case with cotangents on the final states: L2 = L + Σ hT ⊙ G_hT + Σ cT ⊙ G_cT.</summary>
    public sealed record StateVariant(float[] HT, float[]? CT, double Loss, GradientSet Gradients);

    /// <exception cref="CaseFormatException">The directory or its files are not a usable case.</exception>
    public static ReferenceCase Load(string directory)
    {
        string jsonPath = Path.Combine(directory, "case.json");
        string weightsPath = Path.Combine(directory, "model.safetensors");
        if (!System.IO.Directory.Exists(directory)) throw new CaseFormatException($"{directory}: no such directory");
        if (!File.Exists(jsonPath)) throw new CaseFormatException($"{directory}: no case.json");
        if (!File.Exists(weightsPath)) throw new CaseFormatException($"{directory}: no model.safetensors");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var root = doc.RootElement;
            if (!root.TryGetProperty("schema", out var schema) || schema.GetString() != "rnn-oracle-case/1")
                throw new CaseFormatException($"{jsonPath}: not an rnn-oracle-case/1 file");
            var inputs = root.GetProperty("inputs");
            var expected = root.GetProperty("expected");
            var expectedArrays = new Dictionary<string, double[]>();
            foreach (string key in new[] { "y", "hT", "cT", "logits" })
                if (expected.TryGetProperty(key, out var value)) expectedArrays[key] = Doubles(value);

            StateVariant? variant = null;
            if (root.TryGetProperty("state_cotangent_variant", out var v))
            {
                var cot = v.GetProperty("cotangents");
                variant = new StateVariant(
                    Floats(cot.GetProperty("hT")),
                    cot.TryGetProperty("cT", out var ct) ? Floats(ct) : null,
                    v.GetProperty("loss").GetDouble(),
                    ReadGradients(v.GetProperty("grads")));
            }

            return new ReferenceCase
            {
                Name = root.TryGetProperty("name", out var name) ? name.GetString() ?? Path.GetFileName(directory) : Path.GetFileName(directory),
                Directory = directory,
                WeightsPath = weightsPath,
                SequenceLength = root.GetProperty("config").GetProperty("seq_len").GetInt32(),
                X = Floats(inputs.GetProperty("x")),
                H0 = Floats(inputs.GetProperty("h0")),
                C0 = inputs.TryGetProperty("c0", out var c0) ? Floats(c0) : null,
                Targets = inputs.TryGetProperty("targets", out var targets) ? targets.EnumerateArray().Select(t => t.GetInt32()).ToArray() : null,
                OutputCotangent = root.TryGetProperty("cotangents", out var cotangents) ? Floats(cotangents.GetProperty("y")) : null,
                Expected = expectedArrays,
                ExpectedLoss = expected.TryGetProperty("loss", out var loss) ? loss.GetDouble() : null,
                Gradients = root.TryGetProperty("grads", out var grads) ? ReadGradients(grads) : null,
                StateCotangentVariant = variant,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CaseFormatException($"{jsonPath}: {e.Message}");
        }
    }

    private static GradientSet ReadGradients(JsonElement grads)
    {
        var parameters = new Dictionary<string, double[]>();
        foreach (var p in grads.GetProperty("params").EnumerateObject())
            parameters[p.Name] = Doubles(p.Value);
        return new GradientSet(
            Doubles(grads.GetProperty("x")),
            Doubles(grads.GetProperty("h0")),
            grads.TryGetProperty("c0", out var c0) ? Doubles(c0) : null,
            parameters);
    }

    private static double[] Doubles(JsonElement element)
    {
        var values = new List<double>();
        Flatten(element, values);
        return values.ToArray();
    }

    private static float[] Floats(JsonElement element) => Doubles(element).Select(d => (float)d).ToArray();

    private static void Flatten(JsonElement element, List<double> into)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Flatten(item, into);
        else
            into.Add(element.GetDouble());
    }
}

/// <summary>A case directory that cannot be used (missing files, wrong schema, unsupported architecture).</summary>
public sealed class CaseFormatException(string message) : Exception(message);
