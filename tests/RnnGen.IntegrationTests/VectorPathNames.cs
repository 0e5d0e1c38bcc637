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
}
