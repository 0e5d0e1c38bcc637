namespace RnnGen.Generator.Emit;

/// <summary>
/// The <c>global::</c>-qualified names emitted code uses. Generated files declare no <c>using</c> aliases, so a user type
/// named <c>Unsafe</c>, <c>MatrixOps</c> or <c>Vector512</c> in the model's namespace cannot capture a name.
/// </summary>
internal static class Globals
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string TensorPrimitives = "global::System.Numerics.Tensors.TensorPrimitives";
    public const string MatrixOps = "global::RnnGen.Kernels.MatrixOps";
    public const string ModelGuard = "global::RnnGen.Kernels.ModelGuard";
    public const string RowBlocks = "global::RnnGen.Kernels.RowBlocks";
    public const string ColumnBlocks = "global::RnnGen.Kernels.ColumnBlocks";
    public const string KernelSelection = "global::RnnGen.Kernels.KernelSelection";
    public const string AlignedArrays = "global::RnnGen.Kernels.AlignedArrays";
    public const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    public const string Vector256 = "global::System.Runtime.Intrinsics.Vector256";
    public const string Vector512 = "global::System.Runtime.Intrinsics.Vector512";
    public const string Vector128 = "global::System.Runtime.Intrinsics.Vector128";

    /// <summary>The vector type of a block of <paramref name="width"/> floats: Vector512 (16), Vector256 (8) or Vector128 (4).</summary>
    public static string VectorOf(int width) => width switch { 16 => Vector512, 8 => Vector256, _ => Vector128 };
    public const string Avx512F = "global::System.Runtime.Intrinsics.X86.Avx512F";
    public const string Avx2 = "global::System.Runtime.Intrinsics.X86.Avx2";
    public const string Fma = "global::System.Runtime.Intrinsics.X86.Fma";

    /// <summary>
    /// On a generated vector cell: compiled as a method of its own, never inlined into the caller, and optimised once,
    /// straight away. A cell inlines dozens of kernel helpers (row blocks, reductions, activations), and the JIT's inlining
    /// budget is set by the method it compiles: inlined into a user's small method (a game loop's <c>model.Step(x, y)</c>),
    /// the cell used that budget up and its helpers stayed calls that pass vectors through memory, 2–5× slower. Without
    /// tiering the cell's code does not depend on what profile-guided optimisation saw during warm-up either: the H = 8
    /// paired-rows Step measured 226 ns or 62 ns in one benchmark process depending on it (2026-11-30).
    /// KernelInliningTests and GeneratedCellInliningTests guard both.
    /// </summary>
    public const string CellMethodImpl = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining | global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";
}
