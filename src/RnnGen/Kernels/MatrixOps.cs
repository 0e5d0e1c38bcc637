using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// Dense row-major matrix–vector kernels used by generated models. Sizes come from the span lengths, which
/// generated code slices with compile-time constants. Each row is one <see cref="TensorPrimitives"/> call,
/// so the inner loop runs at the widest vector width the machine has (short rows in <see cref="GemvAdd"/> excepted).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MatrixOps
{
    /// <summary>y = W x, with W of shape [y.Length, x.Length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gemv(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int cols = x.Length;
        for (int r = 0; r < y.Length; r++)
            y[r] = TensorPrimitives.Dot(w.Slice(r * cols, cols), x);
    }

    /// <summary>
    /// y += W x, with W of shape [y.Length, x.Length]. Short rows (up to 64 floats, a multiple of 8: a head on a small
    /// hidden state) are one 8-wide accumulator and a horizontal sum each, in line: a <see cref="TensorPrimitives"/> call
    /// costs more than such a row's arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GemvAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int cols = x.Length;
        if (cols <= 64 && cols % 8 == 0 && cols > 0 && Vector256.IsHardwareAccelerated)
        {
            if (w.Length < y.Length * cols) throw new ArgumentException($"W has {w.Length} floats; {y.Length} rows of {cols} need {y.Length * cols}.", nameof(w));
            ref float row = ref MemoryMarshal.GetReference(w);
            ref float xRef = ref MemoryMarshal.GetReference(x);
            for (int r = 0; r < y.Length; r++)
            {
                Vector256<float> sum = Vector256.LoadUnsafe(ref row) * Vector256.LoadUnsafe(ref xRef);
                for (int k = 8; k < cols; k += 8)
                    sum += Vector256.LoadUnsafe(ref row, (nuint)k) * Vector256.LoadUnsafe(ref xRef, (nuint)k);
                y[r] += Vector256.Sum(sum);
                row = ref Unsafe.Add(ref row, cols);
            }
            return;
        }
        for (int r = 0; r < y.Length; r++)
            y[r] += TensorPrimitives.Dot(w.Slice(r * cols, cols), x);
    }

    /// <summary>y += Wᵀ v, with W of shape [v.Length, y.Length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GemvTransposedAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> v, Span<float> y)
    {
        int cols = y.Length;
        if (Avx512F.IsSupported && cols % 16 == 0 && w.Length >= v.Length * cols)
        {
            TransposedAdd512(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(v), v.Length, ref MemoryMarshal.GetReference(y), cols);
            return;
        }
        for (int r = 0; r < v.Length; r++)
        {
            float s = v[r];
            if (s != 0f)
                TensorPrimitives.MultiplyAdd(w.Slice(r * cols, cols), s, y, y);
        }
    }

    /// <summary>W += a ⊗ b (outer product), with W of shape [a.Length, b.Length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OuterAdd(Span<float> w, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int cols = b.Length;
        if (Avx512F.IsSupported && cols % 16 == 0 && w.Length >= a.Length * cols)
        {
            OuterAdd512(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(a), a.Length, ref MemoryMarshal.GetReference(b), cols);
            return;
        }
        for (int r = 0; r < a.Length; r++)
        {
            float s = a[r];
            if (s != 0f)
            {
                Span<float> row = w.Slice(r * cols, cols);
                TensorPrimitives.MultiplyAdd(b, s, row, row);
            }
        }
    }

    // The two kernels below replace one TensorPrimitives.MultiplyAdd call per row, whose call and y load/store per row
    // dominated Backward (BPTT of LSTM 16→128 ran at 3% of the FMA peak, docs/PERFORMANCE.md).

    /// <summary>y += Wᵀ v over [rows × cols] W, cols a multiple of 16: y stays in four accumulators per 64 columns.</summary>
    private static void TransposedAdd512(ref float w, ref float v, int rows, ref float y, int cols)
    {
        int c = 0;
        for (; c + 64 <= cols; c += 64)
        {
            Vector512<float> y0 = Vector512.LoadUnsafe(ref y, (nuint)c), y1 = Vector512.LoadUnsafe(ref y, (nuint)(c + 16));
            Vector512<float> y2 = Vector512.LoadUnsafe(ref y, (nuint)(c + 32)), y3 = Vector512.LoadUnsafe(ref y, (nuint)(c + 48));
            for (int r = 0; r < rows; r++)
            {
                Vector512<float> s = Vector512.Create(Unsafe.Add(ref v, r));
                ref float row = ref Unsafe.Add(ref w, r * cols + c);
                y0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), s, y0);
                y1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 16), s, y1);
                y2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 32), s, y2);
                y3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, 48), s, y3);
            }
            y0.StoreUnsafe(ref y, (nuint)c);
            y1.StoreUnsafe(ref y, (nuint)(c + 16));
            y2.StoreUnsafe(ref y, (nuint)(c + 32));
            y3.StoreUnsafe(ref y, (nuint)(c + 48));
        }
        for (; c < cols; c += 16)
        {
            // Four row phases in separate accumulators shorten the FMA latency chain fourfold.
            Vector512<float> a0 = Vector512.LoadUnsafe(ref y, (nuint)c), a1 = Vector512<float>.Zero, a2 = a1, a3 = a1;
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                ref float row = ref Unsafe.Add(ref w, r * cols + c);
                a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row), Vector512.Create(Unsafe.Add(ref v, r)), a0);
                a1 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)cols), Vector512.Create(Unsafe.Add(ref v, r + 1)), a1);
                a2 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(2 * cols)), Vector512.Create(Unsafe.Add(ref v, r + 2)), a2);
                a3 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref row, (nuint)(3 * cols)), Vector512.Create(Unsafe.Add(ref v, r + 3)), a3);
            }
            for (; r < rows; r++)
                a0 = Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)(r * cols + c)), Vector512.Create(Unsafe.Add(ref v, r)), a0);
            ((a0 + a1) + (a2 + a3)).StoreUnsafe(ref y, (nuint)c);
        }
    }

    /// <summary>W += a ⊗ b over [rows × cols] W, cols a multiple of 16; rows whose a is 0 are skipped.</summary>
    private static void OuterAdd512(ref float w, ref float a, int rows, ref float b, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            float scale = Unsafe.Add(ref a, r);
            if (scale == 0f) continue;
            Vector512<float> s = Vector512.Create(scale);
            ref float row = ref Unsafe.Add(ref w, r * cols);
            for (int c = 0; c < cols; c += 16)
                Avx512F.FusedMultiplyAdd(Vector512.LoadUnsafe(ref b, (nuint)c), s, Vector512.LoadUnsafe(ref row, (nuint)c)).StoreUnsafe(ref row, (nuint)c);
        }
    }
}
