using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>Batched Step equals the single model's Step entity by entity, on the lanes path and the per-entity path.</summary>
public class BatchStepTests
{
    public static TheoryData<string, int, bool> Cases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (string model in new[] { nameof(WideLstm), nameof(OddGru), nameof(MixedBatchStack), nameof(TokenBatch), "GruResetBefore", "TokenLstm", nameof(MlpBatch) })
            foreach (int count in new[] { 1, 21, 70 })
                foreach (bool perEntity in new[] { false, true })
                    data.Add(model, count, perEntity);
        return data;
    }

    internal static BatchHarness Harness(string model, int capacity, int seed) => model switch
    {
        nameof(WideLstm) => new(new WideLstm(), (m, c) => new WideLstm.Batch((WideLstm)m, c), capacity, seed),
        nameof(OddGru) => new(new OddGru(), (m, c) => new OddGru.Batch((OddGru)m, c), capacity, seed),
        nameof(MixedBatchStack) => new(new MixedBatchStack(), (m, c) => new MixedBatchStack.Batch((MixedBatchStack)m, c), capacity, seed),
        nameof(BidirectionalBatch) => new(new BidirectionalBatch(), (m, c) => new BidirectionalBatch.Batch((BidirectionalBatch)m, c), capacity, seed),
        nameof(TokenBatch) => new(new TokenBatch(), (m, c) => new TokenBatch.Batch((TokenBatch)m, c), capacity, seed),
        nameof(TokenBidirectional) => new(new TokenBidirectional(), (m, c) => new TokenBidirectional.Batch((TokenBidirectional)m, c), capacity, seed),
        "GruResetBefore" => new(new Models.GruResetBefore(), (m, c) => new Models.GruResetBefore.Batch((Models.GruResetBefore)m, c), capacity, seed),
        "TokenLstm" => new(new Models.TokenLstm(), (m, c) => new Models.TokenLstm.Batch((Models.TokenLstm)m, c), capacity, seed),
        "GruResetBeforeStack" => new(new Models.GruResetBeforeStack(), (m, c) => new Models.GruResetBeforeStack.Batch((Models.GruResetBeforeStack)m, c), capacity, seed),
        nameof(MlpBatch) => new(new MlpBatch(), (m, c) => new MlpBatch.Batch((MlpBatch)m, c), capacity, seed),
        nameof(FinalStateBatch) => new(new FinalStateBatch(), (m, c) => new FinalStateBatch.Batch((FinalStateBatch)m, c), capacity, seed),
        _ => throw new ArgumentException(model),
    };

    /// <summary>
    /// Models the lanes path covers: not GRU reset-before or LSTM with projection (no lanes cell yet), nor an MLP head or
    /// a head over the final state (no lanes head yet).
    /// </summary>
    internal static bool HasLanes(string model) => RnnGen.Kernels.KernelSelection.Avx512
        && model is not ("GruResetBefore" or "TokenLstm" or "GruResetBeforeStack" or nameof(MlpBatch) or nameof(FinalStateBatch));

    [Theory]
    [MemberData(nameof(Cases))]
    public void StepEqualsTheSingleModelPerEntity(string model, int count, bool perEntity)
    {
        var h = Harness(model, capacity: 80, seed: count);
        if (perEntity) h.Batch.UsePerEntityPath = true;
        Assert.Equal(perEntity || !HasLanes(model) ? BatchPath.PerEntity : BatchPath.Lanes16, h.Batch.Path);
        var states = h.AddEntities(count);
        for (int step = 0; step < 3; step++)
        {
            float[]? inputs = h.Tokens ? null : h.RandomFloats(count * h.Batch.InputSize);
            int[]? tokens = h.Tokens ? h.RandomTokens(count) : null;
            float[] outputs = h.Step(inputs, tokens);
            for (int e = 0; e < count; e++)
            {
                float[] want = h.SingleStep(states[e], h.Tokens ? default : inputs.AsSpan(e * h.Batch.InputSize, h.Batch.InputSize), tokens?[e] ?? 0);
                BatchHarness.Close(want, outputs.AsSpan(e * h.Batch.OutputSize, h.Batch.OutputSize), $"step {step} entity {e} output");
                BatchHarness.Close(states[e], h.State(e), $"step {step} entity {e} state");
            }
        }
    }
}
