using System.Numerics;

namespace RnnGen.Training;

/// <summary>
/// A small reproducible random source: xoshiro256** (Blackman and Vigna) whose state is seeded by SplitMix64. The same
/// seed gives the same numbers on every platform and .NET version: it uses only integer arithmetic, IEEE-exact
/// +, −, ×, ÷ and √, and its own logarithm (<see cref="Math.Log(double)"/> comes from the platform's C library).
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    /// <summary>Seeds the four state words with four consecutive SplitMix64 outputs from <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>SplitMix64: state += 0x9E3779B97F4A7C15, then returns the state passed through its 64-bit finaliser.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 uniformly distributed bits: xoshiro256**, result = rotl(s₁·5, 7)·9.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2⁻⁵³.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>low + (high − low)·u with u from <see cref="NextDouble"/>, in double and then rounded to float (so it may equal high).</summary>
    public float NextUniform(float low, float high) => (float)(low + ((double)high - low) * NextDouble());

    /// <summary>
    /// A standard normal N(0, 1) by Marsaglia's polar method: draw u, v uniform in (−1, 1) until s = u² + v² ∈ (0, 1),
    /// return u·√(−2 ln s / s) and keep v·√(−2 ln s / s) for the next call.
    /// </summary>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * Log(s) / s);
        _spareNormal = v * factor;
        _hasSpareNormal = true;
        return u * factor;
    }

    private const double Ln2High = 6.93147180369123816490e-01; // ln 2 split as in fdlibm: k·Ln2High is exact for |k| < 2¹¹
    private const double Ln2Low = 1.90821492927058770002e-10;

    /// <summary>
    /// Natural logarithm of a positive finite x from exact operations only: x = 2ᵏ·m with m ∈ [√½, √2], and
    /// ln m = 2·atanh(s) = 2s(1 + s²/3 + s⁴/5 + …) with s = (m − 1)/(m + 1), |s| ≤ 0.172, to 13 terms (error &lt; 10⁻¹⁹).
    /// </summary>
    internal static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)(bits >> 52) & 0x7FF;
        int k = 0;
        if (exponent == 0)
        {
            // Subnormal: scale by 2⁵⁴ into the normal range first.
            bits = BitConverter.DoubleToInt64Bits(x * 18014398509481984.0);
            exponent = (int)(bits >> 52) & 0x7FF;
            k = -54;
        }
        k += exponent - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            k++;
        }
        double s = (m - 1.0) / (m + 1.0);
        double z = s * s;
        double series = 1.0 / 25;
        for (int n = 11; n >= 0; n--)
            series = 1.0 / (2 * n + 1) + z * series;
        return k * Ln2High + (2.0 * s * series + k * Ln2Low);
    }
}
