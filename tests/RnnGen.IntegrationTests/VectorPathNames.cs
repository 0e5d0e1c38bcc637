namespace RnnGen.IntegrationTests;

/// <summary>
/// What <c>rnngen bench</c> prints about the kernels the generated cells take: one line naming the active path, then one
/// line per layer saying how its rows are covered. The path tests assert these strings; they are the contract between
/// the tests and the bench command's output.
/// </summary>
internal static class VectorPathNames
{
    /// <summary>The 128-bit row-block cells on ARM64 (AdvSimd, Neon).</summary>
    public const string AdvSimd = "Vector128 (AdvSimd)";

    /// <summary>The 128-bit row-block cells on x86 without AVX2 (SSE).</summary>
    public const string Sse = "Vector128 (SSE)";

    /// <summary>The line naming the active path: this, then the path.</summary>
    public const string ActivePathLine = "Kernels: ";

    /// <summary>Each layer's line starts with this (after indentation), then its index.</summary>
    public const string LayerLine = "layer ";

    /// <summary>Marks a layer (or the whole model) left on the run-time-size fallback cells.</summary>
    public const string Fallback = "portable";

    /// <summary>
    /// Asserts that bench output names <paramref name="path"/> as the active path and has a line for each of
    /// <paramref name="layers"/> layers, none of them on the <see cref="Fallback"/>.
    /// </summary>
    public static void AssertEveryLayer(string benchOutput, string path, int layers, string where)
    {
        string[] lines = benchOutput.Split('\n').Select(line => line.Trim()).ToArray();
        bool active = lines.Contains(ActivePathLine + path);
        var layerLines = lines.Where(line => line.StartsWith(LayerLine, StringComparison.Ordinal)).ToList();
        Assert.True(active && layerLines.Count == layers && !layerLines.Any(line => line.Contains(Fallback, StringComparison.Ordinal)),
            $"rnngen bench {where} should print '{ActivePathLine}{path}' and {layers} lines '{LayerLine}…', none on the '{Fallback}' cells:\n{benchOutput}");
    }
}
