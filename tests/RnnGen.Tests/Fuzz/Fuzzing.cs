using System.Diagnostics;
using System.Globalization;
using RnnGen.Training;

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
    public static TestRandom For(string test, long index)
    {
        ulong h = Seed;
        foreach (char c in test) h = (h ^ c) * 0x100000001B3UL;
        return new TestRandom(h ^ ((ulong)index * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>Milliseconds since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static double Milliseconds(long start) => (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// PyTorch's default initialisation, and in a <paramref name="scaledShare"/> of cases every weight scaled by up to
    /// 1e30, so that extreme (finite) inputs overflow the model's arithmetic.
    /// </summary>
    public static void Initialise(IRecurrentModel model, TestRandom random, double scaledShare)
    {
        Initializer.Apply(model, InitScheme.PyTorchDefault, seed: random.NextULong());
        if (!random.Chance(scaledShare)) return;
        float scale = (float)random.LogBetween(10, 1e30);
        foreach (ref float w in model.Parameters) w *= scale;
    }
}
