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
