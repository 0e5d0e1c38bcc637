namespace RnnGen.Benchmarks;

/// <summary>The hand-written part of docs/PERFORMANCE.md: how the generated code gets its speed and what limits it.</summary>
internal static class Analysis
{
    public const string Text = """
        ## What the numbers come from

        The generated `Step` calls `RnnGen.Kernels.MatrixOps` row by row (one `TensorPrimitives.Dot` per gate row) and
        `TensorPrimitives` activations per gate slice, like the TensorPrimitives baseline.

        """;
}
