using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>
/// Batched Forward and Backward equal the single model's, sequence by sequence: outputs, logits, final states, input
/// and initial-state gradients per sequence, and parameter gradients equal to the sum of the single sequences'.
/// </summary>
public class BatchSequenceTests
{
    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string model in new[] { nameof(WideLstm), nameof(OddGru), nameof(MixedBatchStack), nameof(BidirectionalBatch), nameof(TokenBatch),
                     nameof(TokenBidirectional), "GruResetBefore", "TokenLstm", "GruResetBeforeStack", nameof(MlpBatch), nameof(FinalStateBatch) })
            foreach (int count in new[] { 1, 21, 70 })
                foreach (bool perEntity in new[] { false, true })
                    data.Add(model, count, perEntity);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardEqualTheSingleModelPerSequence(string model, int count, bool perEntity)
    {
        var h = BatchStepTests.Harness(model, capacity: 80, seed: 100 + count);
        if (perEntity) h.Batch.UsePerEntityPath = true;
        var batch = h.Batch;
        var states = h.AddEntities(count);
        int steps = count == 21 ? batch.SequenceLength - 2 : batch.SequenceLength, rows = h.Rows(steps), o = batch.OutputSize;
        float[]? sequences = h.Tokens ? null : h.RandomFloats(count * steps * batch.InputSize);
        int[]? tokens = h.Tokens ? h.RandomTokens(count * steps) : null;

        float[] outputs = h.Forward(sequences, tokens, steps);
        var logits = new float[outputs.Length];
        batch.CopyLogits(logits);
        Assert.Equal(count, batch.RecordedSequences);
        Assert.Equal(steps, batch.RecordedSteps);

        // Backward with random output gradients and a final-state gradient; the single model is the oracle.
        float[] dOutputs = h.RandomFloats(outputs.Length);
        float[] dFinal = h.RandomFloats(count * batch.StateSize);
        var dx = new float[h.Tokens ? 0 : count * steps * batch.InputSize];
        var dInitial = new float[count * batch.StateSize];
        batch.ZeroGradients();
        batch.Backward(dOutputs, dx, dFinal, dInitial);

        int parameters = h.Model.Parameters.Length;
        var sum = new double[parameters];
        var absoluteSum = new double[parameters];
        var singleDx = new float[h.Tokens ? 0 : steps * batch.InputSize];
        var singleInitial = new float[batch.StateSize];
        for (int e = 0; e < count; e++)
        {
            float[] want = h.SingleForward(states[e], sequences, tokens, e, steps);
            BatchHarness.Close(want, outputs.AsSpan(e * rows * o, rows * o), $"entity {e} outputs");
            BatchHarness.Close(h.Model.Logits, logits.AsSpan(e * rows * o, rows * o), $"entity {e} logits");
            BatchHarness.Close(states[e], h.State(e), $"entity {e} final state");

            h.Model.ZeroGradients();
            h.Model.Backward(dOutputs.AsSpan(e * rows * o, rows * o), singleDx, dFinal.AsSpan(e * batch.StateSize, batch.StateSize), singleInitial);
            if (!h.Tokens) BatchHarness.Close(singleDx, dx.AsSpan(e * steps * batch.InputSize, steps * batch.InputSize), $"entity {e} input gradient");
            BatchHarness.Close(singleInitial, dInitial.AsSpan(e * batch.StateSize, batch.StateSize), $"entity {e} initial-state gradient");
            for (int i = 0; i < parameters; i++)
            {
                sum[i] += h.Model.Gradients[i];
                absoluteSum[i] += Math.Abs(h.Model.Gradients[i]);
            }
        }
        BatchHarness.CloseToSum(sum, absoluteSum, batch.Gradients, "summed parameter gradients");
    }

    [Theory]
    [InlineData(nameof(WideLstm), false)]
    [InlineData(nameof(OddGru), false)]
    [InlineData(nameof(TokenBidirectional), false)]
    [InlineData(nameof(OddGru), true)]
    public void BackwardFromLogitsSumsTheSingleModelsAndLeavesTheRecordsForAnotherCall(string model, bool perEntity)
    {
        var h = BatchStepTests.Harness(model, capacity: 40, seed: 7);
        if (perEntity) h.Batch.UsePerEntityPath = true;
        var batch = h.Batch;
        var states = h.AddEntities(37);
        int steps = batch.SequenceLength, rows = h.Rows(steps), o = batch.OutputSize;
        float[]? sequences = h.Tokens ? null : h.RandomFloats(37 * steps * batch.InputSize);
        int[]? tokens = h.Tokens ? h.RandomTokens(37 * steps) : null;
        float[] outputs = h.Forward(sequences, tokens, steps);
        float[] dLogits = h.RandomFloats(outputs.Length);

        batch.ZeroGradients();
        batch.BackwardFromLogits(dLogits, default, default, default);
        float[] once = batch.Gradients.ToArray();
        // The records are Forward's, untouched by Backward: the same call again adds the same sums.
        batch.BackwardFromLogits(dLogits, default, default, default);
        BatchHarness.Close(once.Select(g => 2 * g).ToArray(), batch.Gradients, "gradients after a second Backward");

        var sum = new double[once.Length];
        var absoluteSum = new double[once.Length];
        for (int e = 0; e < 37; e++)
        {
            h.SingleForward(states[e], sequences, tokens, e, steps);
            h.Model.ZeroGradients();
            h.Model.BackwardFromLogits(dLogits.AsSpan(e * rows * o, rows * o), default, default, default);
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += h.Model.Gradients[i];
                absoluteSum[i] += Math.Abs(h.Model.Gradients[i]);
            }
        }
        BatchHarness.CloseToSum(sum, absoluteSum, once, "summed parameter gradients");
    }
}
