using RnnGen.Batching;

namespace RnnGen.Tests.Batching;

/// <summary>Slots join and leave; ids stay valid, rows compact, and every entity keeps its own state throughout.</summary>
public class BatchSlotTests
{
    [Fact]
    public void RemovingMovesTheLastRowIntoTheGapAndEverySlotKeepsItsState()
    {
        var h = BatchStepTests.Harness(nameof(OddGru), capacity: 40, seed: 5);
        var batch = h.Batch;
        float[][] states = h.AddEntities(35);
        Assert.Equal(Enumerable.Range(0, 35), batch.ActiveSlots.ToArray());
        var bySlot = Enumerable.Range(0, 35).ToDictionary(slot => slot, slot => states[slot]);

        batch.Remove(3);
        Assert.Equal(34, batch.ActiveSlots[3]);
        Assert.Equal(3, batch.RowOf(34));
        Assert.False(batch.Contains(3));
        batch.Remove(34);
        batch.Remove(0);
        bySlot.Remove(3);
        bySlot.Remove(34);
        bySlot.Remove(0);
        int reused = batch.Add();
        Assert.Equal(0, reused);
        bySlot[reused] = new float[batch.StateSize];
        Assert.Equal(33, batch.Count);
        Assert.Equal(bySlot.Keys.Order(), batch.ActiveSlots.ToArray().Order());

        foreach (var (slot, state) in bySlot)
        {
            var got = new float[batch.StateSize];
            batch.GetState(slot, got);
            Assert.Equal(state, got);
        }
        // A step after the compaction: each slot continues from its own state.
        float[] inputs = h.RandomFloats(batch.Count * batch.InputSize);
        float[] outputs = h.Step(inputs, null);
        for (int row = 0; row < batch.Count; row++)
        {
            int slot = batch.ActiveSlots[row];
            float[] want = h.SingleStep(bySlot[slot], inputs.AsSpan(row * batch.InputSize, batch.InputSize), 0);
            BatchHarness.Close(want, outputs.AsSpan(row * batch.OutputSize, batch.OutputSize), $"slot {slot} output");
            BatchHarness.Close(bySlot[slot], h.State(row), $"slot {slot} state");
        }
    }

    [Fact]
    public void SteppingListedSlotsLeavesTheOthersUntouched()
    {
        var h = BatchStepTests.Harness(nameof(WideLstm), capacity: 80, seed: 6);
        var batch = (WideLstm.Batch)h.Batch;
        float[][] states = h.AddEntities(70);
        int[] slots = [69, 3, 40, 17, 0];
        float[] inputs = h.RandomFloats(slots.Length * WideLstm.InputSize);
        var outputs = new float[slots.Length];
        batch.Step(slots, inputs, outputs);
        for (int e = 0; e < 70; e++)
        {
            int r = Array.IndexOf(slots, e);
            if (r < 0)
            {
                Assert.Equal(states[e], h.State(e));
                continue;
            }
            float[] want = h.SingleStep(states[e], inputs.AsSpan(r * WideLstm.InputSize, WideLstm.InputSize), 0);
            BatchHarness.Close(want, outputs.AsSpan(r, 1), $"slot {e} output");
            BatchHarness.Close(states[e], h.State(e), $"slot {e} state");
        }
    }

    [Fact]
    public void ResetStateZeroesOneEntityOrAll()
    {
        var h = BatchStepTests.Harness(nameof(MixedBatchStack), capacity: 20, seed: 8);
        float[][] states = h.AddEntities(20);
        h.Batch.ResetState(h.Batch.ActiveSlots[4]);
        Assert.All(h.State(4), v => Assert.Equal(0f, v));
        Assert.Equal(states[5], h.State(5));
        h.Batch.ResetState();
        for (int e = 0; e < 20; e++) Assert.All(h.State(e), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CapacityIsCheckedAndAFullBatchSaysSo()
    {
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new WideLstm.Batch(0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WideLstm.Batch(RecurrentBatch.MaxCapacity + 1));
        var batch = new WideLstm.Batch(2);
        batch.Add();
        batch.Add();
        Assert.Contains("full", Assert.Throws<InvalidOperationException>(() => batch.Add()).Message);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void SlotIdsOutOfRangeOrNotInUseAreRejected()
    {
        var batch = new OddGru.Batch(8);
        int slot = batch.Add();
        Assert.Equal("slot", Assert.Throws<ArgumentOutOfRangeException>(() => batch.Remove(8)).ParamName);
        Assert.Equal("slot", Assert.Throws<ArgumentOutOfRangeException>(() => batch.ResetState(-1)).ParamName);
        Assert.Equal("slot", Assert.Throws<ArgumentException>(() => batch.GetState(5, new float[OddGru.StateSize])).ParamName);
        batch.Remove(slot);
        Assert.Throws<ArgumentException>(() => batch.Remove(slot));
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void AddingOrRemovingAfterForwardInvalidatesItsRecords()
    {
        var h = BatchStepTests.Harness(nameof(OddGru), capacity: 8, seed: 9);
        h.AddEntities(3);
        float[] outputs = h.Forward(h.RandomFloats(3 * 7 * 5), null, 7);
        h.Batch.Add();
        Assert.Equal(0, h.Batch.RecordedSequences);
        var e = Assert.Throws<InvalidOperationException>(() => h.Batch.Backward(outputs, default, default, default));
        Assert.Contains("added or removed", e.Message);
    }
}
