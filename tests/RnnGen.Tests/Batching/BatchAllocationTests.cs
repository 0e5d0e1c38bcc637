using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>Step, Forward and Backward allocate nothing, at every batch size and thread count, on every thread.</summary>
public class BatchAllocationTests
{
    /// <summary>
    /// Asserts that repeated calls allocate nothing on the calling thread or the batch's own threads. Two calls first (the
    /// first Forward of a size allocates its records), then a full GC: a background GC still running (other tests allocate
    /// in parallel) was seen to credit earlier large arrays to this thread during the measured calls.
    /// </summary>
    private static void NothingAllocatedBy(RecurrentBatch batch, Action action, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(action))] string what = "")
    {
        action();
        action();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = GC.GetAllocatedBytesForCurrentThread(), workers = batch.WorkerAllocatedBytes;
        for (int i = 0; i < 5; i++) action();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before + batch.WorkerAllocatedBytes - workers;
        Assert.True(allocated == 0, $"{what}: {allocated} B");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(64, 1)]
    [InlineData(200, 1)]
    [InlineData(1, 2)]
    [InlineData(64, 2)]
    [InlineData(200, 3)]
    public void LanesCallsAllocateNothing(int entities, int threads)
    {
        using var batch = new WideLstm.Batch(200) { Threads = threads };
        for (int e = 0; e < entities; e++) batch.Add();
        var inputs = new float[entities * WideLstm.InputSize];
        var outputs = new float[entities * WideLstm.SequenceLength];
        var sequences = new float[entities * WideLstm.SequenceLength * WideLstm.InputSize];
        int[] slots = [.. batch.ActiveSlots.ToArray().Take(3)];
        var dx = new float[sequences.Length];
        var dState = new float[entities * WideLstm.StateSize];
        NothingAllocatedBy(batch, () => batch.Step(inputs, outputs.AsSpan(0, entities)));
        NothingAllocatedBy(batch, () => batch.Step(slots, inputs.AsSpan(0, slots.Length * WideLstm.InputSize), outputs));
        NothingAllocatedBy(batch, () => batch.Forward(sequences, outputs));
        NothingAllocatedBy(batch, () => batch.Backward(outputs.AsSpan(0, entities), dx, dState, dState));
        NothingAllocatedBy(batch, () => batch.BackwardFromLogits(outputs.AsSpan(0, entities), default, default, default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PerEntityAndTokenCallsAllocateNothing(int threads)
    {
        using var batch = new Models.TokenLstm.Batch(30) { Threads = threads };
        for (int e = 0; e < 30; e++) batch.Add();
        var tokens = new int[30 * Models.TokenLstm.SequenceLength];
        var outputs = new float[30 * Models.TokenLstm.SequenceLength * Models.TokenLstm.OutputSize];
        NothingAllocatedBy(batch, () => batch.Step(tokens.AsSpan(0, 30), outputs));
        NothingAllocatedBy(batch, () => batch.Forward(tokens, outputs));
        NothingAllocatedBy(batch, () => batch.Backward(outputs, default, default, default));

        using var lanes = new TokenBatch.Batch(40) { Threads = threads };
        for (int e = 0; e < 40; e++) lanes.Add();
        var laneTokens = new int[40 * TokenBatch.SequenceLength];
        var laneOutputs = new float[40 * TokenBatch.SequenceLength * TokenBatch.OutputSize];
        NothingAllocatedBy(lanes, () => lanes.Step(laneTokens.AsSpan(0, 40), laneOutputs));
        NothingAllocatedBy(lanes, () => lanes.Forward(laneTokens, laneOutputs));
        NothingAllocatedBy(lanes, () => lanes.Backward(laneOutputs, default, default, default));
    }
}
