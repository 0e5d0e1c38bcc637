using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>
/// Results do not depend on how a call is split: Step, Forward and Backward give bit-identical outputs, states and
/// gradients for 1, 2 and 3 threads and for a caller's scheduler, which runs the parts in its own order.
/// </summary>
public class BatchThreadTests
{
    /// <summary>Everything a sequence of calls produced, for one way of splitting them.</summary>
    private static float[] Run(string model, bool perEntity, Action<RecurrentBatch> configure)
    {
        var h = BatchStepTests.Harness(model, capacity: 80, seed: 3);
        if (perEntity) h.Batch.UsePerEntityPath = true;
        configure(h.Batch);
        using var batch = h.Batch;
        h.AddEntities(70);
        var results = new List<float>();
        int steps = batch.SequenceLength;
        if (model != nameof(BidirectionalBatch) && model != nameof(TokenBidirectional))
            for (int step = 0; step < 2; step++)
                results.AddRange(h.Step(h.Tokens ? null : h.RandomFloats(70 * batch.InputSize), h.Tokens ? h.RandomTokens(70) : null));
        float[] outputs = h.Forward(h.Tokens ? null : h.RandomFloats(70 * steps * batch.InputSize), h.Tokens ? h.RandomTokens(70 * steps) : null, steps);
        results.AddRange(outputs);
        var dx = new float[h.Tokens ? 0 : 70 * steps * batch.InputSize];
        var dInitial = new float[70 * batch.StateSize];
        batch.Backward(h.RandomFloats(outputs.Length), dx, h.RandomFloats(70 * batch.StateSize), dInitial);
        results.AddRange(dx);
        results.AddRange(dInitial);
        results.AddRange(batch.Gradients.ToArray());
        for (int e = 0; e < 70; e++) results.AddRange(h.State(e));
        return results.ToArray();
    }

    [Theory]
    [InlineData(nameof(WideLstm), false)]
    [InlineData(nameof(OddGru), false)]
    [InlineData(nameof(MixedBatchStack), false)]
    [InlineData(nameof(TokenBidirectional), false)]
    [InlineData(nameof(OddGru), true)]
    [InlineData("TokenLstm", true)]
    public void ResultsAreBitIdenticalForAnyNumberOfThreads(string model, bool perEntity)
    {
        float[] one = Run(model, perEntity, _ => { });
        Assert.Equal(one, Run(model, perEntity, b => b.Threads = 2));
        Assert.Equal(one, Run(model, perEntity, b => b.Threads = 3));
        Assert.Equal(one, Run(model, perEntity, b => b.Scheduler = new ReversedScheduler(4)));
    }

    [Fact]
    public void ASchedulerThatSkipsAPartIsAnErrorNotASilentlyWrongResult()
    {
        var h = BatchStepTests.Harness(nameof(WideLstm), capacity: 80, seed: 1);
        h.Batch.Scheduler = new SkippingScheduler();
        h.AddEntities(70);
        var e = Assert.Throws<InvalidOperationException>(() => h.Step(h.RandomFloats(70 * 16), null));
        Assert.Contains("must run every part", e.Message);
    }

    [Fact]
    public void ThreadsOutOfRangeAreRejectedAndOneThreadNeedsNoScheduler()
    {
        var batch = new WideLstm.Batch(4);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => batch.Threads = 0).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Threads = BatchThreads.MaxThreads + 1);
        batch.Threads = 2;
        Assert.IsType<BatchThreads>(batch.Scheduler);
        batch.Threads = 1;
        Assert.Null(batch.Scheduler);
    }

    /// <summary>Runs the parts on the calling thread, last part first.</summary>
    private sealed class ReversedScheduler(int parallelism) : IBatchScheduler
    {
        public int Parallelism => parallelism;
        public void Run(IBatchWork work, int parts)
        {
            for (int part = parts - 1; part >= 0; part--) work.Run(part);
        }
    }

    private sealed class SkippingScheduler : IBatchScheduler
    {
        public int Parallelism => 2;
        public void Run(IBatchWork work, int parts) => work.Run(0);
    }
}
