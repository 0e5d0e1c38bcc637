using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// Int8 weight products (WeightPrecision.Int8). The weights of a matrix are stored in column pairs: for pair g and row r
// the two bytes q[r, 2g], q[r, 2g + 1] sit at ((g · stride) + r) · 2, stride being the matrix's row count, so the rows
// j … j+W−1 of one pair are 2W consecutive bytes for any j and W and a block needs no reduction: lane u of a product is
// row j + u. The vector a product multiplies is quantized per step to 16-bit integers (QuantizeInt16, one scale per
// vector), and one pmaddwd (AVX-512BW / AVX2 / SSE2; smull + smull2 + addp on ARM64) multiplies a pair of weights by a
// pair of activations for every row of the block and adds the two products in 32 bits: for 16 rows, a 32-byte load
// sign-extended to 16-bit lanes, a broadcast pair, one multiply-add and one integer add per 32 weights. The row sums are
// exact integers; Dequantize scales them by the row's weight scale times the vector's scale.
// Why not VNNI (vpdpbusd, 64 products an instruction): .NET 10 exposes it only as AvxVnni (VEX, 256 bits), which this
// project's AVX-512 machine does not report, and not as AVX512-VNNI at all. docs/PERFORMANCE.md has the measurements.
public static partial class RowBlocks
{
    /// <summary>
    /// Σ_c q[row + u, c] · a[c] as integers for the 16 rows from <paramref name="row"/>, over the
    /// <paramref name="pairs"/> column pairs from pair <paramref name="first"/> of a matrix stored in column pairs
    /// (<paramref name="stride"/> rows a pair); <paramref name="a"/> holds the vector's 2·pairs 16-bit values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Int8Sums16(int row, ref sbyte w, int stride, int first, int pairs, ref short a)
    {
        ref sbyte block = ref Unsafe.Add(ref w, (first * stride + row) * 2);
        nuint step = (nuint)(stride * 2);
        ref int vector = ref Unsafe.As<short, int>(ref a);
        Vector512<int> sum = Vector512<int>.Zero, odd = Vector512<int>.Zero;
        int g = 0;
        for (; g + 2 <= pairs; g += 2)
        {
            ref sbyte chunk = ref Unsafe.Add(ref block, (nint)((nuint)g * step));
            sum += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref chunk)), Vector512.Create(Unsafe.Add(ref vector, g)).AsInt16());
            odd += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref chunk, step)), Vector512.Create(Unsafe.Add(ref vector, g + 1)).AsInt16());
        }
        if (g < pairs)
            sum += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref block, (nuint)g * step)), Vector512.Create(Unsafe.Add(ref vector, g)).AsInt16());
        return sum + odd;
    }

    /// <summary>As <see cref="Int8Sums16"/> for 8 rows (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Int8Sums8(int row, ref sbyte w, int stride, int first, int pairs, ref short a)
    {
        ref sbyte block = ref Unsafe.Add(ref w, (first * stride + row) * 2);
        nuint step = (nuint)(stride * 2);
        ref int vector = ref Unsafe.As<short, int>(ref a);
        Vector256<int> sum = Vector256<int>.Zero, odd = Vector256<int>.Zero;
        int g = 0;
        for (; g + 2 <= pairs; g += 2)
        {
            ref sbyte chunk = ref Unsafe.Add(ref block, (nint)((nuint)g * step));
            sum += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref chunk)), Vector256.Create(Unsafe.Add(ref vector, g)).AsInt16());
            odd += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref chunk, step)), Vector256.Create(Unsafe.Add(ref vector, g + 1)).AsInt16());
        }
        if (g < pairs)
            sum += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref block, (nuint)g * step)), Vector256.Create(Unsafe.Add(ref vector, g)).AsInt16());
        return sum + odd;
    }

    /// <summary>As <see cref="Int8Sums16"/> for 4 rows (Vector128: SSE2 pmaddwd, ARM64 smull/smull2/addp, or portable).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Int8Sums4(int row, ref sbyte w, int stride, int first, int pairs, ref short a)
    {
        ref sbyte block = ref Unsafe.Add(ref w, (first * stride + row) * 2);
        nuint step = (nuint)(stride * 2);
        ref int vector = ref Unsafe.As<short, int>(ref a);
        Vector128<int> sum = Vector128<int>.Zero;
        for (int g = 0; g < pairs; g++)
        {
            // 8 bytes: rows row … row+3, two columns each (the load reads 8 more, inside the storage's padding).
            Vector128<short> weights = Vector128.WidenLower(Vector128.LoadUnsafe(ref block, (nuint)g * step));
            sum += MultiplyAddPairs(weights, Vector128.Create(Unsafe.Add(ref vector, g)).AsInt16());
        }
        return sum;
    }

    /// <summary>
    /// Σ over the W lanes: the sums of one matrix's rows as floats, times each row's weight scale and the vector's scale:
    /// <c>sums · scales[row…] · vectorScale</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Dequantize16(Vector512<int> sums, ref float scales, int row, float vectorScale) =>
        Vector512.ConvertToSingle(sums) * (Load16(ref scales, row) * vectorScale);

    /// <inheritdoc cref="Dequantize16"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Dequantize8(Vector256<int> sums, ref float scales, int row, float vectorScale) =>
        Vector256.ConvertToSingle(sums) * (Load8(ref scales, row) * vectorScale);

    /// <inheritdoc cref="Dequantize16"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Dequantize4(Vector128<int> sums, ref float scales, int row, float vectorScale) =>
        Vector128.ConvertToSingle(sums) * (Load4(ref scales, row) * vectorScale);

    /// <summary>
    /// Writes <paramref name="count"/> floats of <paramref name="x"/> as 16-bit integers round(x · limit / max|x|) to
    /// <paramref name="destination"/> (a zero after them when the count is odd, completing the last pair) and returns the
    /// scale max|x| / limit that maps them back. All zeros give scale 0; a NaN or infinity gives scale NaN (and zeros),
    /// so every product with the vector is NaN, as in float32. <paramref name="limit"/> (at most 32767) keeps the integer
    /// sums of the products with int8 weights inside 32 bits for the matrix's column count.
    /// </summary>
    public static float QuantizeInt16(ref float x, int count, ref short destination, int limit)
    {
        float max = MaxAbs(ref x, count, out bool finite);
        if (!finite || max == 0f)
        {
            for (int i = 0; i < count + (count & 1); i++) Unsafe.Add(ref destination, i) = 0;
            return finite ? 0f : float.NaN;
        }
        float inverse = limit / max;
        int k = 0;
        // Rounding to nearest even everywhere: cvtps2dq under the default MXCSR, fcvtns, MathF.Round.
        if (Avx.IsSupported)
        {
            var factor = Vector256.Create(inverse);
            for (; k + 16 <= count; k += 16)
            {
                Vector256<int> low = Avx.ConvertToVector256Int32(Vector256.LoadUnsafe(ref x, (nuint)k) * factor);
                Vector256<int> high = Avx.ConvertToVector256Int32(Vector256.LoadUnsafe(ref x, (nuint)(k + 8)) * factor);
                Vector256.Narrow(low, high).StoreUnsafe(ref destination, (nuint)k);
            }
        }
        else if (AdvSimd.IsSupported)
        {
            var factor = Vector128.Create(inverse);
            for (; k + 8 <= count; k += 8)
            {
                Vector128<int> low = AdvSimd.ConvertToInt32RoundToEven(Vector128.LoadUnsafe(ref x, (nuint)k) * factor);
                Vector128<int> high = AdvSimd.ConvertToInt32RoundToEven(Vector128.LoadUnsafe(ref x, (nuint)(k + 4)) * factor);
                Vector128.Narrow(low, high).StoreUnsafe(ref destination, (nuint)k);
            }
        }
        for (; k < count; k++)
            Unsafe.Add(ref destination, k) = (short)MathF.Round(Unsafe.Add(ref x, k) * inverse);
        if ((count & 1) != 0) Unsafe.Add(ref destination, count) = 0;
        return max / limit;
    }

    /// <summary>max |x[i]| over <paramref name="count"/> floats; <paramref name="finite"/> is false if any is NaN or ±∞.</summary>
    private static float MaxAbs(ref float x, int count, out bool finite)
    {
        float max = 0f, probe = 0f;
        int k = 0;
        if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            Vector256<float> m = Vector256<float>.Zero, p = Vector256<float>.Zero;
            for (; k + 8 <= count; k += 8)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)k);
                m = Vector256.Max(m, Vector256.Abs(v));
                // x − x is 0 for finite x and NaN for NaN and ±∞: the sum says whether every value was finite.
                p += v - v;
            }
            for (int u = 0; u < 8; u++) max = MathF.Max(max, m.GetElement(u));
            probe = Vector256.Sum(p);
        }
        for (; k < count; k++)
        {
            float v = Unsafe.Add(ref x, k);
            max = MathF.Max(max, MathF.Abs(v));
            probe += v - v;
        }
        finite = probe == 0f;
        return max;
    }

    /// <summary>
    /// The largest integer magnitude the vector of a product over <paramref name="columns"/> columns may take so that no
    /// 32-bit row sum can overflow: 127 · limit · columns &lt; 2³¹, at most 32767 (16 bits).
    /// </summary>
    public static int Int16Limit(int columns) => (int)Math.Min(32767L, (long)int.MaxValue / (127L * Math.Max(columns, 1)));

    /// <summary>Lane i = a[2i]·b[2i] + a[2i+1]·b[2i+1] in 32 bits (pmaddwd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyAddPairs(Vector128<short> a, Vector128<short> b)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyAddAdjacent(a, b);
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.AddPairwise(AdvSimd.MultiplyWideningLower(a.GetLower(), b.GetLower()), AdvSimd.MultiplyWideningUpper(a, b));
        Vector128<int> low = Vector128.WidenLower(a) * Vector128.WidenLower(b), high = Vector128.WidenUpper(a) * Vector128.WidenUpper(b);
        return Vector128.Create(low.GetElement(0) + low.GetElement(1), low.GetElement(2) + low.GetElement(3), high.GetElement(0) + high.GetElement(1), high.GetElement(2) + high.GetElement(3));
    }
}
