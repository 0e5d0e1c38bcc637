using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>Bad arguments are clear exceptions naming the argument, and a failed call changes nothing.</summary>
public class BatchValidationTests
{
    private static (BatchHarness H, float[] Before) Setup(string model, int entities)
    {
        var h = BatchStepTests.Harness(model, capacity: 40, seed: 11);
        h.AddEntities(entities);
        var before = Enumerable.Range(0, entities).SelectMany(h.State).ToArray();
        return (h, before);
    }

    private static void Unchanged(BatchHarness h, float[] before) =>
        Assert.Equal(before, Enumerable.Range(0, h.Batch.Count).SelectMany(h.State).ToArray());

    [Fact]
    public void StepChecksLengthsSlotsAndTokensBeforeTouchingAnyState()
    {
        var (h, before) = Setup(nameof(OddGru), 20);
        var batch = (OddGru.Batch)h.Batch;
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => batch.Step(new float[19 * 5], new float[60])).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => batch.Step(new float[20 * 5], new float[59])).ParamName);
        Assert.Equal("slots", Assert.Throws<ArgumentException>(() => batch.Step([1, 2, 1], new float[15], new float[9])).ParamName);
        Assert.Equal("slots", Assert.Throws<ArgumentOutOfRangeException>(() => batch.Step([1, 40], new float[10], new float[6])).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => batch.Step([1, 2], new float[15], new float[6])).ParamName);
        Unchanged(h, before);

        var (t, tokensBefore) = Setup(nameof(TokenBatch), 5);
        var tokenBatch = (TokenBatch.Batch)t.Batch;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tokenBatch.Step([1, 2, 11, 0, 3], new float[55]));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("[0, 11)", e.Message);
        Unchanged(t, tokensBefore);
    }

    [Fact]
    public void ForwardChecksTheSequenceLengthsAndNeedsEntities()
    {
        var (h, before) = Setup(nameof(OddGru), 4);
        var batch = (OddGru.Batch)h.Batch;
        var e = Assert.Throws<ArgumentException>(() => batch.Forward(new float[4 * 5 * 8], new float[4 * 8 * 3]));
        Assert.Equal("sequences", e.ParamName);
        Assert.Contains("1 to 7 steps", e.Message);
        Assert.Throws<ArgumentException>(() => batch.Forward(new float[4 * 5 * 3 + 1], new float[100]));
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => batch.Forward(new float[4 * 5 * 3], new float[4 * 3 * 3 - 1])).ParamName);
        Unchanged(h, before);
        Assert.Throws<InvalidOperationException>(() => new OddGru.Batch(3).Forward(new float[5], new float[3]));
    }

    [Fact]
    public void BackwardNeedsAForwardAndExactLengths()
    {
        var (h, _) = Setup(nameof(WideLstm), 3);
        var batch = h.Batch;
        Assert.Contains("call Forward first", Assert.Throws<InvalidOperationException>(() => batch.Backward(new float[3], default, default, default)).Message);
        h.Forward(h.RandomFloats(3 * 6 * 16), null, 6);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => batch.Backward(new float[4], default, default, default)).ParamName);
        Assert.Equal("inputGradient", Assert.Throws<ArgumentException>(() => batch.Backward(new float[3], new float[5], default, default)).ParamName);
        Assert.Equal("finalStateGradient", Assert.Throws<ArgumentException>(() => batch.Backward(new float[3], default, new float[5], default)).ParamName);
        Assert.Equal("initialStateGradient", Assert.Throws<ArgumentException>(() => batch.Backward(new float[3], default, default, new float[5])).ParamName);
        Assert.All(batch.Gradients.ToArray(), g => Assert.Equal(0f, g));

        var (t, _) = Setup(nameof(TokenBatch), 2);
        t.Forward(null, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
        Assert.Equal("inputGradient", Assert.Throws<ArgumentException>(() => t.Batch.Backward(new float[2 * 5 * 11], new float[50], default, default)).ParamName);
    }

    [Fact]
    public void StateSpansMustHoldExactlyOneState()
    {
        var batch = new WideLstm.Batch(2);
        int slot = batch.Add();
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => batch.GetState(slot, new float[WideLstm.StateSize - 1])).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => batch.SetState(slot, new float[WideLstm.StateSize + 1])).ParamName);
    }
}
