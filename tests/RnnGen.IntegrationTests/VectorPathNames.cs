namespace RnnGen.IntegrationTests;

/// <summary>
/// What <c>rnngen bench</c> prints, per layer, for the vector path a cell dispatches to. The path tests assert these
/// strings; they are the contract between the tests and the bench command's "Vector path" lines.
/// </summary>
internal static class VectorPathNames
{
    /// <summary>The 128-bit row-block cells on ARM64 (AdvSimd, Neon).</summary>
    public const string AdvSimd = "Vector128 (AdvSimd)";

    /// <summary>The 128-bit row-block cells on x86 without AVX2 (SSE).</summary>
    public const string Sse = "Vector128 (SSE)";

    /// <summary>The run-time-size fallback, which a layer must not take on a vector path.</summary>
    public const string Fallback = "TensorPrimitives";

    /// <summary>
    /// Asserts that bench output names <paramref name="path"/> at least once per layer and never <see cref="Fallback"/>.
    /// </summary>
    public static void AssertEveryLayer(string benchOutput, string path, int layers, string where)
    {
        int named = benchOutput.Split(path).Length - 1;
        Assert.True(named >= layers && !benchOutput.Contains(Fallback, StringComparison.Ordinal),
            $"rnngen bench {where} should name the path '{path}' for each of the {layers} layers (named {named} times) and none '{Fallback}':\n{benchOutput}");
    }
}
