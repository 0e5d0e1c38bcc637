namespace RnnGen.Tests;

/// <summary>A small deterministic generator (xorshift64*), identical on every runtime.</summary>
internal sealed class TestRandom(ulong seed)
{
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    public ulong NextULong()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(NextULong() % (ulong)n);

    /// <summary>Uniform in [-amplitude, amplitude).</summary>
    public double Jitter(double amplitude) => (2 * NextDouble() - 1) * amplitude;

    /// <summary>Uniform in [lo, hi).</summary>
    public double Between(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Log-uniform in [lo, hi).</summary>
    public double LogBetween(double lo, double hi) => Math.Exp(Between(Math.Log(lo), Math.Log(hi)));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(params T[] items) => items[Next(items.Length)];
}
