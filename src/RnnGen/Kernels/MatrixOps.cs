using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Dense row-major matrix–vector kernels used by generated models. Sizes come from the span lengths, which
/// generated code slices with compile-time constants. Each row is one <see cref="TensorPrimitives"/> call,
/// so the inner loop runs at the widest vector width the machine has.
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

    /// <summary>y += W x, with W of shape [y.Length, x.Length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GemvAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int cols = x.Length;
        for (int r = 0; r < y.Length; r++)
            y[r] += TensorPrimitives.Dot(w.Slice(r * cols, cols), x);
    }

    /// <summary>y += Wᵀ v, with W of shape [v.Length, y.Length].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void GemvTransposedAdd(ReadOnlySpan<float> w, ReadOnlySpan<float> v, Span<float> y)
    {
        int cols = y.Length;
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
}
