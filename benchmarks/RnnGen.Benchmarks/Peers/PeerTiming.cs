using System.Diagnostics;
using System.Runtime.CompilerServices;
using RnnGen.Weights;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The RnnGen side of the RTNeural comparison (<c>peers time DIR MODEL [inference]</c>), which benchmarks/rtneural/run.sh
/// runs in its own process, alternating with RTNeural's: the loop and statistics of <c>rtneural_peer.cpp</c>. n steps cycle
/// through the model's 1024 input steps with the outputs summed, n doubles until one repetition takes ≥ 5 ms, and the
/// median of 15 repetitions is printed as "MODEL ns" (the model's Step) or "MODEL ns inference" (the Step of its inference
/// copy, <c>ToInference()</c> made after the weights are loaded; run.sh checks its outputs first, <see cref="PeerModels.Prepare"/>).
/// A process times one model, so the Step call site sees one type and dynamic PGO turns the interface call into a guarded
/// direct call.
/// </summary>
internal static class PeerTiming
{
    public const string Inference = "inference";
    private const int Repetitions = 15;
    private static float _sink;

    public static void Time(string dir, string name, bool inference)
    {
        var model = PeerModels.Create(name);
        model.LoadWeights(Path.Combine(dir, name + ".safetensors"));
        model.ResetState();
        float[] x = PeerModels.ReadFloats(Path.Combine(dir, name + ".in.f32"));
        double ns = inference ? MedianNs(new CopyStep(PeerModels.ToInference(model)), x, model.InputSize) : MedianNs(new ModelStep(model), x, model.InputSize);
        Console.WriteLine($"{name} {ns:F2}{(inference ? " " + Inference : "")}");
    }

    /// <summary>What is timed: a model's Step or its inference copy's, behind one struct so <see cref="Run"/> is specialised to each.</summary>
    private interface IStep
    {
        void Step(ReadOnlySpan<float> x, Span<float> y);
    }

    private readonly struct ModelStep(IStepModel model) : IStep
    {
        public void Step(ReadOnlySpan<float> x, Span<float> y) => model.Step(x, y);
    }

    private readonly struct CopyStep(IStepInference copy) : IStep
    {
        public void Step(ReadOnlySpan<float> x, Span<float> y) => copy.Step(x, y);
    }

    private static double MedianNs<TStep>(TStep step, float[] x, int size) where TStep : struct, IStep
    {
        // Tiered JIT: Run and Step reach tier 1 (with dynamic PGO) after 30 calls and a quiet ~100 ms, more than once
        // (OSR, then the instrumented tier): bursts of calls with pauses, as TierUp does for the BenchmarkDotNet suite.
        for (int round = 0; round < 4; round++)
        {
            var warm = Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 100) _sink += Run(step, x, size, 200);
            Thread.Sleep(150);
        }
        long n = 1000;
        while (Seconds(step, x, size, n) < 5e-3) n *= 2;
        var ns = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++) ns[r] = Seconds(step, x, size, n) * 1e9 / n;
        Array.Sort(ns);
        return ns[Repetitions / 2];
    }

    private static double Seconds<TStep>(TStep step, float[] x, int size, long n) where TStep : struct, IStep
    {
        long start = Stopwatch.GetTimestamp();
        _sink += Run(step, x, size, n);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run<TStep>(TStep step, float[] x, int size, long n) where TStep : struct, IStep
    {
        Span<float> y = stackalloc float[1];
        float sum = 0;
        for (long t = 0; t < n; t++)
        {
            step.Step(x.AsSpan((int)(t & (PeerModels.InputSteps - 1)) * size, size), y);
            sum += y[0];
        }
        return sum;
    }
}
