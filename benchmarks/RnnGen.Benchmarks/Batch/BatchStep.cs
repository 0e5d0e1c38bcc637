using BenchmarkDotNet.Attributes;
using RnnGen.Batching;

namespace RnnGen.Benchmarks;

/// <summary>
/// The batched Step of many entities: LSTM 16→128, GRU 16→128 and LSTM 8→64, each + Dense(1), at batch 1, 64, 256 and
/// 1024, on 1 and 2 threads. One operation is one Step of the whole batch; <see cref="BatchReport"/> divides by the batch
/// for the per-entity cost and compares it with the same model's batch-1 <c>Step</c> of <see cref="StepLatency"/>.
/// </summary>
[MemoryDiagnoser]
public class BatchStep
{
    [Params("Lstm16x128", "Gru16x128", "Lstm8x64")] public string Model { get; set; } = "Lstm16x128";
    [Params(1, 64, 256, 1024)] public int Batch { get; set; } = 256;
    [Params(1, 2)] public int Threads { get; set; } = 1;

    private RecurrentBatch _batch = null!;
    private IStepBatch _step = null!;
    private float[] _inputs = [], _outputs = [];

    [GlobalSetup]
    public void Prepare()
    {
        _batch = Model switch
        {
            "Lstm16x128" => new Lstm16x128.Batch(Setup.Randomised(new Lstm16x128()), Batch),
            "Gru16x128" => new Gru16x128.Batch(Setup.Randomised(new Gru16x128()), Batch),
            _ => new Lstm8x64.Batch(Setup.Randomised(new Lstm8x64()), Batch),
        };
        _batch.Threads = Threads;
        for (int e = 0; e < Batch; e++) _batch.Add();
        _step = (IStepBatch)_batch;
        _inputs = Setup.Inputs(Batch * _batch.InputSize);
        _outputs = new float[Batch];
        BatchWarmUp.Run(() => _step.Step(_inputs, _outputs));
    }

    [GlobalCleanup]
    public void Cleanup() => _batch.Dispose();

    [Benchmark] public void Step() => _step.Step(_inputs, _outputs);
}

/// <summary>Tier-up for the parameterised batch suites, which <see cref="TierUp"/> cannot construct: 60 calls and a pause, three times.</summary>
internal static class BatchWarmUp
{
    public static void Run(Action call)
    {
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 60; i++) call();
            Thread.Sleep(250);
        }
    }
}
