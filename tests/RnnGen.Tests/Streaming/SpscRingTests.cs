using System.Diagnostics;
using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

// The two-thread tests spin on both sides; on a small machine they need the cores to themselves.
[CollectionDefinition(nameof(SpscRingTests), DisableParallelization = true)]
public class SpscRingCollection;

[Collection(nameof(SpscRingTests))]
public class SpscRingTests
{
    private struct Item
    {
        public long Seq;
        public long Check; // ~Seq: a torn or stale read would break it
    }

    private static Item Make(long seq) => new() { Seq = seq, Check = ~seq };

    [Fact]
    public void CapacityIsRoundedUpToAPowerOfTwo()
    {
        Assert.Equal(8, new SpscRing<int>(5).Capacity);
        Assert.Equal(8, new SpscRing<int>(8).Capacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpscRing<int>(1));
    }

    [Fact]
    public void FullRingDropsTheNewestItemAndCountsTheOverrun()
    {
        var counters = new StreamCounters();
        var ring = new SpscRing<int>(4, counters);
        for (int i = 0; i < 4; i++) Assert.True(ring.TryWrite(i));
        Assert.False(ring.TryWrite(99));
        Assert.False(ring.TryWrite(100));
        Assert.Equal(2, ring.Overruns);
        Assert.Equal(2, counters.Overruns);

        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryRead(out int v));
            Assert.Equal(i, v);
        }
        Assert.False(ring.TryRead(out _));
    }

    [Fact]
    public void ItemsComeOutInOrderAcrossTheWrapAndInBatches()
    {
        var ring = new SpscRing<int>(8);
        var batch = new int[5];
        int next = 0, expected = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 3 + round % 4; i++) Assert.True(ring.TryWrite(next++));
            int n = ring.ReadBatch(batch);
            for (int i = 0; i < n; i++) Assert.Equal(expected++, batch[i]);
            while (ring.TryRead(out int v)) Assert.Equal(expected++, v);
            Assert.Equal(0, ring.Count);
        }
        Assert.Equal(next, expected);
    }

    [Fact]
    public void ConcurrentProducerThatWaitsLosesNothingAndKeepsOrder()
    {
        const int total = 1_000_000;
        var ring = new SpscRing<Item>(1024);
        var producer = new Thread(() =>
        {
            var spin = new SpinWait();
            for (long i = 0; i < total; i++)
            {
                while (ring.Count == ring.Capacity) spin.SpinOnce(-1);
                if (!ring.TryWrite(Make(i))) throw new InvalidOperationException("Write failed with room in the ring.");
            }
        }) { IsBackground = true };

        var deadline = Stopwatch.StartNew();
        producer.Start();
        long expected = 0;
        var idle = new SpinWait();
        while (expected < total)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"Timed out after {expected} items.");
            if (!ring.TryRead(out Item item))
            {
                idle.SpinOnce(-1);
                continue;
            }
            idle.Reset();
            if (item.Seq != expected || item.Check != ~expected)
                Assert.Fail($"Expected item {expected}, got {item.Seq} (check {item.Check}).");
            expected++;
        }
        Assert.True(producer.Join(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, ring.Overruns);
        Assert.False(ring.TryRead(out _));
    }

    [Fact]
    public void ConcurrentProducerThatNeverWaitsLosesOnlyCountedOverruns()
    {
        // The producer writes as fast as it can and never waits for room, in bursts of 64, until the consumer has
        // taken a million items; overruns are then certain, and every item is accounted for.
        const int wanted = 1_000_000;
        var ring = new SpscRing<Item>(256);
        var batch = new Item[64];
        bool stop = false;
        long produced = 0;
        var producer = new Thread(() =>
        {
            long i = 0;
            while (!Volatile.Read(ref stop))
            {
                for (int b = 0; b < 64; b++, i++) ring.TryWrite(Make(i));
                Thread.SpinWait(40);
            }
            Volatile.Write(ref produced, i);
        }) { IsBackground = true };

        var deadline = Stopwatch.StartNew();
        producer.Start();
        long received = 0, last = -1;
        while (true)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"Timed out after {received} items.");
            int n = ring.ReadBatch(batch);
            for (int i = 0; i < n; i++)
            {
                Item item = batch[i];
                if (item.Seq <= last || item.Check != ~item.Seq)
                    Assert.Fail($"Item {item.Seq} (check {item.Check}) after {last}: duplicated, reordered or torn.");
                last = item.Seq;
            }
            received += n;
            if (received >= wanted && !Volatile.Read(ref stop)) Volatile.Write(ref stop, true);
            if (n == 0 && Volatile.Read(ref stop) && !producer.IsAlive) break;
        }
        Assert.True(producer.Join(TimeSpan.FromSeconds(5)));
        long total = Volatile.Read(ref produced);
        // Strictly increasing sequence numbers mean nothing was duplicated or reordered; the counts say every missing
        // item is an overrun the ring owned up to.
        Assert.True(last < total);
        Assert.Equal(total, received + ring.Overruns);
    }

    [Fact]
    public void SteadyStateWritesAndReadsAllocateNothing()
    {
        var ring = new SpscRing<Item>(16, new StreamCounters());
        var batch = new Item[4];
        long seq = 0;
        long bytes = Allocations.Measure(() =>
        {
            for (int i = 0; i < 20; i++) ring.TryWrite(Make(seq++)); // some overrun
            ring.TryRead(out _);
            ring.ReadBatch(batch);
            while (ring.TryRead(out _)) { }
        });
        Assert.Equal(0, bytes);
    }
}
