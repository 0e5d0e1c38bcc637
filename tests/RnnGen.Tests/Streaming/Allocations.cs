namespace RnnGen.Tests.Streaming;

/// <summary>Measures managed allocations of a steady-state path on the calling thread.</summary>
internal static class Allocations
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times, then returns the bytes allocated by <paramref name="iterations"/> more runs.</summary>
    public static long Measure(Action action, int warmup = 200, int iterations = 10_000)
    {
        for (int i = 0; i < warmup; i++) action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

/// <summary>A small deterministic generator (xorshift64*), so test streams are identical on every runtime.</summary>
internal sealed class TestRandom(ulong seed)
{
    private ulong _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return ((_state * 0x2545F4914F6CDD1DUL) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Uniform in [-amplitude, amplitude).</summary>
    public double Jitter(double amplitude) => (2 * NextDouble() - 1) * amplitude;
}
