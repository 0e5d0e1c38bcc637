namespace RnnGen.Streaming;

/// <summary>Counter arithmetic that stops at <see cref="long.MaxValue"/> instead of wrapping to negative.</summary>
internal static class Saturating
{
    public static long Add(long a, long b) => b > 0 && a > long.MaxValue - b ? long.MaxValue : a + b;

    public static void Increment(ref long counter)
    {
        if (counter != long.MaxValue) counter++;
    }
}
