using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Tests.Fuzz;

/// <summary>
/// Settings shared by the fuzz tests. In CI each test runs its small default number of cases (seconds in all); set
/// RNNGEN_FUZZ_ITERATIONS=100000 for the long mode (100,000 iterations per test: loads of a mutated file, Pushes of a
/// sample, training steps), and RNNGEN_FUZZ_SEED to replay another sequence. Every case is derived from (seed, case
/// index), so a failure message's numbers reproduce it exactly.
/// </summary>
/// <remarks>
/// Why a seeded mutator rather than FsCheck: the inputs are domain-specific (safetensors headers, sensor fault
/// scenarios, training faults), so generators would have to be written either way; a failure is replayed from two
/// numbers without a property-testing runtime; and shrinking matters little when a case is one file or one short stream.
/// </remarks>
internal static class Fuzzing
{
    public static ulong Seed { get; } = ulong.TryParse(Environment.GetEnvironmentVariable("RNNGEN_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed) ? seed : 20261130;

    /// <summary>The long mode's number of iterations per test, or 0 in CI mode.</summary>
    private static long LongMode { get; } = long.TryParse(Environment.GetEnvironmentVariable("RNNGEN_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;

    /// <summary>How many cases a test runs: its CI default, or in the long mode enough cases of <paramref name="iterationsPerCase"/> iterations each.</summary>
    public static long Cases(long ciDefault, int iterationsPerCase = 1) =>
        LongMode > 0 ? (LongMode + iterationsPerCase - 1) / iterationsPerCase : ciDefault;

    /// <summary>A generator for case <paramref name="index"/> of the test named <paramref name="test"/>.</summary>
    public static FuzzRandom For(string test, long index)
    {
        ulong h = Seed;
        foreach (char c in test) h = (h ^ c) * 0x100000001B3UL;
        return new FuzzRandom(h ^ ((ulong)index * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>Milliseconds since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static double Milliseconds(long start) => (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>A small deterministic generator (xorshift64*), identical on every runtime.</summary>
internal sealed class FuzzRandom(ulong seed)
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

    /// <summary>Uniform in [lo, hi).</summary>
    public double Between(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Log-uniform in [lo, hi).</summary>
    public double LogBetween(double lo, double hi) => Math.Exp(Between(Math.Log(lo), Math.Log(hi)));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(params T[] items) => items[Next(items.Length)];
}
