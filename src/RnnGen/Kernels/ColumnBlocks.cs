using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Kernels for an inference copy's packed weights (a generated model's <c>Inference</c>, AVX-512). A matrix is cut into
/// tiles of 16 rows — each gate's rows padded to whole tiles — and each tile is stored column by column: column k of the
/// tile from row r (a multiple of 16) is the 16 floats at <c>r · cols + 16 k</c> (<see cref="Pack"/>). A block of 16 rows
/// is then Σ_k column_k · x[k]: one FMA per column with x[k] broadcast, read in address order, and no transposing
/// reduction at the end, which the row-major blocks (<see cref="RowBlocks"/>) need for every block of 16 rows (30
/// shuffles and 15 adds, about three times the products at H = 16, I = 1). A width off the vector grid costs its columns,
/// not whole 16-float chunks of them. The products are split over four accumulators (columns k mod 4) so that the FMA
/// latency does not serialise a block.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ColumnBlocks
{
    /// <summary>bias + W1 x1 + W2 x2 for the 16 rows from <paramref name="row"/> of two packed matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float c1, int cols1, ref float x1, ref float c2, int cols2, ref float x2, Vector512<float> bias)
    {
        Vector512<float> a0 = bias, a1 = default, a2 = default, a3 = default;
        Accumulate(ref Unsafe.Add(ref c1, row * cols1), cols1, ref x1, ref a0, ref a1, ref a2, ref a3);
        Accumulate(ref Unsafe.Add(ref c2, row * cols2), cols2, ref x2, ref a0, ref a1, ref a2, ref a3);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>W x for the 16 rows from <paramref name="row"/> of a packed matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float c, int cols, ref float x)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Accumulate(ref Unsafe.Add(ref c, row * cols), cols, ref x, ref a0, ref a1, ref a2, ref a3);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>a_{k mod 4} += column k of the tile at <paramref name="tile"/> · x[k] over its <paramref name="cols"/> columns.</summary>
    /// <remarks>
    /// The refs advance by four columns a step, so every load is a register plus a fixed displacement; with the sizes
    /// constant, the last cols mod 4 columns are tested against constants, which the JIT removes.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref float tile, int cols, ref float x,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3)
    {
        ref float column = ref tile, value = ref x;
        for (int k = 4; k <= cols; k += 4)
        {
            a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column), Vector512.Create(value), a0);
            a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column, 16), Vector512.Create(Unsafe.Add(ref value, 1)), a1);
            a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column, 32), Vector512.Create(Unsafe.Add(ref value, 2)), a2);
            a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column, 48), Vector512.Create(Unsafe.Add(ref value, 3)), a3);
            column = ref Unsafe.Add(ref column, 64);
            value = ref Unsafe.Add(ref value, 4);
        }
        int left = cols & 3;
        if (left >= 1) a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column), Vector512.Create(value), a0);
        if (left >= 2) a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column, 16), Vector512.Create(Unsafe.Add(ref value, 1)), a1);
        if (left >= 3) a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref column, 32), Vector512.Create(Unsafe.Add(ref value, 2)), a2);
    }

    /// <summary>
    /// Writes the row-major matrix <paramref name="rowMajor"/> (<paramref name="gates"/> · <paramref name="rows"/> rows of
    /// <paramref name="cols"/> floats, PyTorch's layout) into <paramref name="packed"/> as <see cref="Rows16(int, ref float, int, ref float)"/>
    /// reads it: gate q's row u is packed row r = q · <paramref name="paddedRows"/> + u (a multiple of 16 rows a gate), and
    /// W[r, k] goes to <c>(r − r mod 16) · cols + 16 k + r mod 16</c>. The padding rows are zero.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> rowMajor, int gates, int rows, int cols, Span<float> packed, int paddedRows)
    {
        if (paddedRows < rows || paddedRows % 16 != 0)
            throw new ArgumentOutOfRangeException(nameof(paddedRows), paddedRows, $"Must be a multiple of 16 that holds the {rows} rows.");
        if (rowMajor.Length != gates * rows * cols) throw new ArgumentException($"Expected {gates} × {rows} × {cols} floats, but got {rowMajor.Length}.", nameof(rowMajor));
        int length = gates * paddedRows * cols;
        if (packed.Length < length) throw new ArgumentException($"Needs room for {length} floats, but has {packed.Length}.", nameof(packed));
        packed.Slice(0, length).Clear();
        for (int q = 0; q < gates; q++)
            for (int u = 0; u < rows; u++)
            {
                ReadOnlySpan<float> source = rowMajor.Slice((q * rows + u) * cols, cols);
                int r = q * paddedRows + u, first = (r - r % 16) * cols + r % 16;
                for (int k = 0; k < cols; k++) packed[first + 16 * k] = source[k];
            }
    }
}
