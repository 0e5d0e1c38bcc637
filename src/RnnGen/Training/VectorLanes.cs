using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Training;

/// <summary>
/// Splits flat float buffers into whole <see cref="Vector{T}"/> lanes plus a short tail. The tail is padded into one
/// lane so that each optimizer writes its element-wise rule once, for vectors only, and the tail runs the same code.
/// </summary>
internal static class VectorLanes
{
    public static int Width => Vector<float>.Count;

    /// <summary>The whole lanes of <paramref name="values"/> (the tail is left out).</summary>
    public static Span<Vector<float>> Body(Span<float> values) => MemoryMarshal.Cast<float, Vector<float>>(values);

    /// <inheritdoc cref="Body(Span{float})"/>
    public static ReadOnlySpan<Vector<float>> Body(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, Vector<float>>(values);

    /// <summary>Index of the first element after the whole lanes.</summary>
    public static int TailStart(int length) => length - length % Vector<float>.Count;

    /// <summary>The tail (fewer than <see cref="Width"/> elements) in one lane, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector<float> Load(ReadOnlySpan<float> tail)
    {
        Span<float> lane = stackalloc float[Vector<float>.Count];
        lane.Clear();
        tail.CopyTo(lane);
        return new Vector<float>(lane);
    }

    /// <summary>
    /// Folds <paramref name="lane"/> into a finiteness check: <paramref name="check"/> starts at zero and stays zero while
    /// every value folded in is finite; any NaN or ±∞ turns it NaN for good (x·0 is 0 for finite x, NaN otherwise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Fold(Vector<float> check, Vector<float> lane) => check + lane * Vector<float>.Zero;

    /// <summary>True when nothing non-finite was folded into <paramref name="check"/>.</summary>
    public static bool AllFinite(Vector<float> check) => Vector.EqualsAll(check, Vector<float>.Zero);

    /// <summary>True when the first <paramref name="count"/> elements of <paramref name="lane"/> (a tail; the rest is padding) are finite.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool TailFinite(Vector<float> lane, int count)
    {
        Span<float> values = stackalloc float[Vector<float>.Count];
        lane.CopyTo(values);
        foreach (float v in values[..count])
            if (!float.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Writes the first <c>tail.Length</c> elements of <paramref name="lane"/> to <paramref name="tail"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Store(Vector<float> lane, Span<float> tail)
    {
        Span<float> values = stackalloc float[Vector<float>.Count];
        lane.CopyTo(values);
        values[..tail.Length].CopyTo(tail);
    }
}
