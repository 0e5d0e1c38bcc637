using System.Diagnostics;
using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class LatencyMeterTests
{
    [Fact]
    public void PercentilesAreNearestRankOverTheWindow()
    {
        var m = new LatencyMeter(windowSize: 100);
        for (int i = 100; i >= 1; i--) m.Record(i); // 1..100 in reverse order
        Assert.Equal(50, m.PercentileTicks(0.5));
        Assert.Equal(99, m.PercentileTicks(0.99));
        Assert.Equal(100, m.PercentileTicks(1.0));
        Assert.Equal(1, m.PercentileTicks(0.0));
        Assert.Equal(50.5, m.MeanTicks, 9);
    }

    [Fact]
    public void OldDurationsLeaveTheWindowButNotTheAllTimeMax()
    {
        var m = new LatencyMeter(windowSize: 4);
        m.Record(1000);
        for (int i = 0; i < 4; i++) m.Record(10);
        Assert.Equal(10, m.PercentileTicks(1.0));
        Assert.Equal(1000, m.MaxTicks);
        Assert.Equal(5, m.Count);

        LatencySnapshot s = m.Snapshot();
        Assert.Equal(5, s.Count);
        Assert.Equal(LatencyMeter.ToMicroseconds(10), s.P99Microseconds, 9);
        Assert.Equal(LatencyMeter.ToMicroseconds(10), s.WindowMaxMicroseconds, 9);
        Assert.Equal(LatencyMeter.ToMicroseconds(1000), s.MaxMicroseconds, 9);
        Assert.Equal(1e6 / Stopwatch.Frequency * 208, s.MeanMicroseconds, 6);
    }

    [Fact]
    public void StartAndStopMeasureRealTime()
    {
        var m = new LatencyMeter();
        long start = LatencyMeter.Start();
        Thread.Sleep(20);
        m.Stop(start);
        Assert.InRange(LatencyMeter.ToMicroseconds(m.MaxTicks), 15_000, 5_000_000);
    }

    [Fact]
    public void RecordingAndSnapshotsAllocateNothing()
    {
        var m = new LatencyMeter(256);
        double sink = 0;
        int i = 0;
        long bytes = Allocations.Measure(() =>
        {
            m.Stop(LatencyMeter.Start());
            m.Record(i++ % 37);
            if (i % 100 == 0) sink += m.Snapshot().P99Microseconds + m.PercentileTicks(0.5);
        });
        Assert.Equal(0, bytes);
        Assert.True(sink >= 0);
    }
}
