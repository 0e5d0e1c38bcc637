using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>
/// Parameter storage for generated models, read from a 64-byte boundary. The vector cells load weight rows 64 bytes at
/// a time; from an array that starts elsewhere (.NET places elements on an 8-byte boundary only) most of those loads
/// straddle two cache lines, and an LSTM 1→64 Step ran 630 ns or 690–786 ns in the same process depending only on where
/// the allocator had put its parameters (2026-11-30). So the array gets <see cref="Spare"/> floats more than asked,
/// lives on the pinned object heap (the garbage collector never moves it), and the model reads it from the first
/// element on the boundary, the origin.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AlignedArrays
{
    /// <summary>The boundary the origin is on, in bytes.</summary>
    public const int Alignment = 64;

    /// <summary>The floats allocated beyond the requested count, so an origin on the boundary always exists.</summary>
    public const int Spare = Alignment / sizeof(float) - 1;

    /// <summary>
    /// A zeroed, pinned array of <paramref name="count"/> + <see cref="Spare"/> floats, and the index
    /// <paramref name="origin"/> (0 … <see cref="Spare"/>) of its first element on a <see cref="Alignment"/>-byte boundary:
    /// the caller's element i is <c>array[origin + i]</c>.
    /// </summary>
    public static float[] Allocate(int count, out int origin)
    {
        float[] array = AllocatePinned<float>(count);
        origin = Origin(array);
        return array;
    }

    /// <summary>
    /// A zeroed, pinned array of <paramref name="count"/> elements plus enough spare ones (64 / size of
    /// <typeparamref name="T"/> − 1) that <see cref="Origin{T}"/> leaves <paramref name="count"/> after it.
    /// </summary>
    public static T[] AllocatePinned<T>(int count) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return GC.AllocateArray<T>(count + Alignment / Unsafe.SizeOf<T>() - 1, pinned: true);
    }

    /// <summary>
    /// The index of the first element of <paramref name="array"/> on the boundary. The array must be pinned (from
    /// <see cref="AllocatePinned{T}"/>) for the answer to stay true; it is the same on every call.
    /// </summary>
    public static unsafe int Origin<T>(T[] array) where T : unmanaged
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((Alignment - address % Alignment) % Alignment) / Unsafe.SizeOf<T>();
    }
}
