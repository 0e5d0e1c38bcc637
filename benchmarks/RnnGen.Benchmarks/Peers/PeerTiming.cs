using System.Diagnostics;
using System.Runtime.CompilerServices;
using RnnGen.Weights;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The RnnGen side of the RTNeural comparison (<c>peers time DIR MODEL</c>), which benchmarks/rtneural/run.sh runs in
/// its own process, alternating with RTNeural's: the loop and statistics of <c>rtneural_peer.cpp</c>. n steps cycle
/// through the model's 1024 input steps with the outputs summed, n doubles until one repetition takes ≥ 5 ms, and the
/// median of 15 repetitions is printed as "MODEL ns". A process times one model, so the Step call site sees one type
/// and dynamic PGO turns the interface call into a guarded direct call.
/// </summary>
internal static class PeerTiming
{
    private const int Repetitions = 15;
    private static float _sink;

    public static void Time(string dir, string name)
    {
        var model = PeerModels.Create(name);
        model.LoadWeights(Path.Combine(dir, name + ".safetensors"));
        model.ResetState();
        float[] x = PeerModels.ReadFloats(Path.Combine(dir, name + ".in.f32"));
        int size = model.InputSize;
        // Tiered JIT: Run and Step reach tier 1 (with dynamic PGO) after 30 calls and a quiet ~100 ms, more than once
        // (OSR, then the instrumented tier): bursts of calls with pauses, as TierUp does for the BenchmarkDotNet suite.
        for (int round = 0; round < 4; round++)
        {
            var warm = Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 100) _sink += Run(model, x, size, 200);
            Thread.Sleep(150);
        }
        long n = 1000;
        while (Seconds(model, x, size, n) < 5e-3) n *= 2;
        var ns = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++) ns[r] = Seconds(model, x, size, n) * 1e9 / n;
        Array.Sort(ns);
        Console.WriteLine($"{name} {ns[Repetitions / 2]:F2}");
    }

    private static double Seconds(IStepModel model, float[] x, int size, long n)
    {
        long start = Stopwatch.GetTimestamp();
        _sink += Run(model, x, size, n);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run(IStepModel model, float[] x, int size, long n)
    {
        Span<float> y = stackalloc float[1];
        float sum = 0;
        for (long t = 0; t < n; t++)
        {
            model.Step(x.AsSpan((int)(t & (PeerModels.InputSteps - 1)) * size, size), y);
            sum += y[0];
        }
        return sum;
    }
}
