namespace RnnGen.Tests.Streaming;

/// <summary>Steady-state allocation of a hot-path call (streaming, and the models' Step, Forward and Backward), as the zero-allocation promise means it.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="warmup"/> times, then measures the bytes allocated by
    /// <paramref name="iterations"/> more runs, three times, and returns the smallest. A call that allocates in steady
    /// state allocates in every round; a one-off (the JIT recompiling the loop at a higher tier and loading a type on
    /// this thread while doing so) shows in one round only, and is not what the promise is about.
    /// </summary>
    public static long Measure(Action action, int warmup = 200, int iterations = 10_000)
    {
        for (int i = 0; i < warmup; i++) action();
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++) action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
