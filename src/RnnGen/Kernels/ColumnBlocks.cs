using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Kernels for an inference copy's packed weights (a generated model's <c>Inference</c>, AVX-512). A matrix of
/// <c>gates</c> × <c>rows</c> rows is cut into tiles: each gate's whole blocks of 16 rows, then each gate's last rows in
/// one tile of 4, 8 or 16 (the narrowest that holds them); every tile is stored column by column, so column k of the
/// tile of width W that starts at packed row r is the W floats at <c>r · cols + W k</c> (<see cref="Pack"/>). A block of
/// W rows is then Σ_k column_k · x[k]: one FMA per column with x[k] broadcast, read in address order, and no transposing
/// reduction at the end, which the row-major blocks (<see cref="RowBlocks"/>) need for every block of rows (30 shuffles
/// and 15 adds for 16 rows, about three times the products at H = 16, I = 1). A width off the vector grid costs its
/// columns, not whole 16-float chunks of them, and a gate's last rows cost a narrow tile, not a whole block. The
/// products are split over four accumulators (columns k mod 4) so that the FMA latency does not serialise a block.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ColumnBlocks
{
    /// <summary>bias + W1 x1 + W2 x2 for the 16 rows of the tile at packed row <paramref name="row"/> of two packed matrices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float c1, int cols1, ref float x1, ref float c2, int cols2, ref float x2, Vector512<float> bias)
    {
        Vector512<float> a0 = bias, a1 = default, a2 = default, a3 = default;
        Accumulate(ref Unsafe.Add(ref c1, row * cols1), cols1, ref x1, ref a0, ref a1, ref a2, ref a3);
        Accumulate(ref Unsafe.Add(ref c2, row * cols2), cols2, ref x2, ref a0, ref a1, ref a2, ref a3);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>W x for the 16 rows of the tile at packed row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Rows16(int row, ref float c, int cols, ref float x)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Accumulate(ref Unsafe.Add(ref c, row * cols), cols, ref x, ref a0, ref a1, ref a2, ref a3);
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>bias + W1 x1 + W2 x2 for the 8 rows of the tile at packed row <paramref name="row"/> (a gate's last rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(int row, ref float c1, int cols1, ref float x1, ref float c2, int cols2, ref float x2, Vector256<float> bias)
    {
        Vector256<float> a0 = bias, a1 = default;
        Accumulate(ref Unsafe.Add(ref c1, row * cols1), cols1, ref x1, ref a0, ref a1);
        Accumulate(ref Unsafe.Add(ref c2, row * cols2), cols2, ref x2, ref a0, ref a1);
        return a0 + a1;
    }

    /// <summary>W x for the 8 rows of the tile at packed row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows8(int row, ref float c, int cols, ref float x)
    {
        Vector256<float> a0 = default, a1 = default;
        Accumulate(ref Unsafe.Add(ref c, row * cols), cols, ref x, ref a0, ref a1);
        return a0 + a1;
    }

    /// <summary>bias + W1 x1 + W2 x2 for the 4 rows of the tile at packed row <paramref name="row"/> (a gate's last rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4(int row, ref float c1, int cols1, ref float x1, ref float c2, int cols2, ref float x2, Vector128<float> bias)
    {
        Vector128<float> a0 = bias, a1 = default;
        Accumulate(ref Unsafe.Add(ref c1, row * cols1), cols1, ref x1, ref a0, ref a1);
        Accumulate(ref Unsafe.Add(ref c2, row * cols2), cols2, ref x2, ref a0, ref a1);
        return a0 + a1;
    }

    /// <summary>W x for the 4 rows of the tile at packed row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Rows4(int row, ref float c, int cols, ref float x)
    {
        Vector128<float> a0 = default, a1 = default;
        Accumulate(ref Unsafe.Add(ref c, row * cols), cols, ref x, ref a0, ref a1);
        return a0 + a1;
    }

    /// <summary>a_{k mod 4} += column k of the 16-row tile at <paramref name="tile"/> · x[k] over its <paramref name="cols"/> columns.</summary>
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

    /// <summary>a_{k mod 2} += column k of the 8-row tile at <paramref name="tile"/> · x[k] over its <paramref name="cols"/> columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref float tile, int cols, ref float x, ref Vector256<float> a0, ref Vector256<float> a1)
    {
        ref float column = ref tile, value = ref x;
        for (int k = 2; k <= cols; k += 2)
        {
            a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column), Vector256.Create(value), a0);
            a1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column, 8), Vector256.Create(Unsafe.Add(ref value, 1)), a1);
            column = ref Unsafe.Add(ref column, 16);
            value = ref Unsafe.Add(ref value, 2);
        }
        if ((cols & 1) != 0) a0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref column), Vector256.Create(value), a0);
    }

    /// <summary>a_{k mod 2} += column k of the 4-row tile at <paramref name="tile"/> · x[k] over its <paramref name="cols"/> columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref float tile, int cols, ref float x, ref Vector128<float> a0, ref Vector128<float> a1)
    {
        ref float column = ref tile, value = ref x;
        for (int k = 2; k <= cols; k += 2)
        {
            a0 = Fma.MultiplyAdd(Vector128.LoadUnsafe(ref column), Vector128.Create(value), a0);
            a1 = Fma.MultiplyAdd(Vector128.LoadUnsafe(ref column, 4), Vector128.Create(Unsafe.Add(ref value, 1)), a1);
            column = ref Unsafe.Add(ref column, 8);
            value = ref Unsafe.Add(ref value, 2);
        }
        if ((cols & 1) != 0) a0 = Fma.MultiplyAdd(Vector128.LoadUnsafe(ref column), Vector128.Create(value), a0);
    }

    /// <summary>The width of the tile that holds a gate's last <paramref name="rows"/> mod 16 rows: 0 (none), 4, 8 or 16.</summary>
    public static int TailWidth(int rows) => (rows % 16) switch { 0 => 0, <= 4 => 4, <= 8 => 8, _ => 16 };

    /// <summary>The packed rows of a matrix of <paramref name="gates"/> × <paramref name="rows"/> rows: whole tiles of 16, then a tail tile a gate.</summary>
    public static int PackedRows(int gates, int rows) => gates * (rows / 16 * 16 + TailWidth(rows));

    /// <summary>
    /// The packed row where the tile holding gate <paramref name="gate"/>'s row <paramref name="unit"/> starts: its whole
    /// tiles come first, gate by gate; the tail tiles of every gate follow them.
    /// </summary>
    public static int TileRow(int gates, int rows, int gate, int unit)
    {
        int whole = rows / 16 * 16;
        return unit < whole ? gate * whole + unit / 16 * 16 : gates * whole + gate * TailWidth(rows);
    }

    /// <summary>
    /// Writes the row-major matrix <paramref name="rowMajor"/> (<paramref name="gates"/> · <paramref name="rows"/> rows of
    /// <paramref name="cols"/> floats, PyTorch's layout) into <paramref name="packed"/> as the kernels read it: gate q's
    /// row u in the tile that starts at packed row r = <see cref="TileRow"/> and is W rows wide goes to
    /// <c>r · cols + W k + (u mod 16)</c>, column k. The tail tiles' spare rows are zero.
    /// </summary>
    public static void Pack(ReadOnlySpan<float> rowMajor, int gates, int rows, int cols, Span<float> packed)
    {
        if (gates < 1 || rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"Gates, rows and columns must be positive; got {gates}, {rows}, {cols}.");
        if (rowMajor.Length != gates * rows * cols) throw new ArgumentException($"Expected {gates} × {rows} × {cols} floats, but got {rowMajor.Length}.", nameof(rowMajor));
        int length = PackedRows(gates, rows) * cols, whole = rows / 16 * 16;
        if (packed.Length < length) throw new ArgumentException($"Needs room for {length} floats, but has {packed.Length}.", nameof(packed));
        packed.Slice(0, length).Clear();
        for (int q = 0; q < gates; q++)
            for (int u = 0; u < rows; u++)
            {
                ReadOnlySpan<float> source = rowMajor.Slice((q * rows + u) * cols, cols);
                int width = u < whole ? 16 : TailWidth(rows), first = TileRow(gates, rows, q, u) * cols + u % 16;
                for (int k = 0; k < cols; k++) packed[first + width * k] = source[k];
            }
    }
}
