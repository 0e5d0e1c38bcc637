using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

/// <summary>
/// Every bad-sample policy on a 4 Hz stream read at 4 Hz (ticks every 0.25 s, all times exact binary fractions),
/// with expected frames worked out by hand.
/// </summary>
public class BadSamplePolicyTests
{
    private static StreamResampler Make(BadSampleHandling policies, int channels = 1) =>
        new(4, channels, 4, policies);

    private static float[] Column(List<(FrameStamp Stamp, float[] Frame)> frames, int c) =>
        frames.Select(f => f.Frame[c]).ToArray();

    private static double[] Times(List<(FrameStamp Stamp, float[] Frame)> frames) =>
        frames.Select(f => f.Stamp.Time).ToArray();

    // Two channels; the sample at 0.5 s has a NaN in channel 0 and an outlier 50 in channel 1.
    private static List<(FrameStamp, float[])> RunNonFinite(BadSamplePolicy policy, out StreamResampler r, out SampleOutcome outcome)
    {
        r = Make(new BadSampleHandling { NonFinite = policy, MaxGapSeconds = 0.6 }, channels: 2);
        r.Push(0.0, [0f, 10f]);
        r.Push(0.25, [1f, 10f]);
        outcome = r.Push(0.5, [float.NaN, 50f]);
        r.Push(0.75, [3f, 10f]);
        r.Push(1.0, [4f, 10f]);
        return ResamplerTests.Drain(r);
    }

    [Fact]
    public void NonFiniteDropDiscardsTheWholeSampleAndBridgesIt()
    {
        var frames = RunNonFinite(BadSamplePolicy.Drop, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Dropped, outcome);
        Assert.Equal([0f, 1f, 2f, 3f, 4f], Column(frames, 0));
        Assert.Equal([10f, 10f, 10f, 10f, 10f], Column(frames, 1));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.NonFinite));
        Assert.Equal(1, r.Counters.DroppedSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void NonFiniteHoldLastReplacesTheBadValueWithTheLastFiniteOne()
    {
        var frames = RunNonFinite(BadSamplePolicy.HoldLast, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Repaired, outcome);
        Assert.Equal([0f, 1f, 1f, 3f, 4f], Column(frames, 0));
        Assert.Equal([10f, 10f, 50f, 10f, 10f], Column(frames, 1));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.NonFinite));
        Assert.Equal(0, r.Counters.DroppedSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void NonFiniteInterpolateFillsTheBadValueBetweenItsFiniteNeighbours()
    {
        var frames = RunNonFinite(BadSamplePolicy.Interpolate, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Repaired, outcome);
        Assert.Equal([0f, 1f, 2f, 3f, 4f], Column(frames, 0));
        Assert.Equal([10f, 10f, 50f, 10f, 10f], Column(frames, 1));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void NonFiniteResetStateDiscardsTheSampleAndRestartsTheStream()
    {
        var frames = RunNonFinite(BadSamplePolicy.ResetState, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Restarted, outcome);
        Assert.Equal([0.0, 0.25, 0.75, 1.0], Times(frames));
        Assert.Equal([0f, 1f, 3f, 4f], Column(frames, 0));
        Assert.Equal([false, false, true, false], frames.Select(f => f.Item1.ResetBefore));
        Assert.Equal(1, r.Counters.Restarts);
        Assert.Equal(1, r.Counters.DroppedSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void NonFiniteInterpolateWaitsForTheNextFiniteValue()
    {
        // The finite neighbours are 0.75 s apart, within the 1 s limit, so the values between are interpolated.
        var r = Make(new BadSampleHandling { NonFinite = BadSamplePolicy.Interpolate, MaxGapSeconds = 1.0 });
        r.Push(0.0, [0f]);
        Assert.Equal(1, r.AvailableFrames);
        r.Push(0.25, [float.NaN]);
        r.Push(0.5, [float.PositiveInfinity]);
        Assert.Equal(1, r.AvailableFrames);
        r.Push(0.75, [6f]);
        r.Push(1.0, [8f]);
        Assert.Equal([0f, 2f, 4f, 6f, 8f], Column(ResamplerTests.Drain(r), 0));
        Assert.Equal(2, r.Counters.BadSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void NonFiniteInterpolateHoldsAChannelThatStaysBadLongerThanTheGapLimit()
    {
        var r = Make(new BadSampleHandling { NonFinite = BadSamplePolicy.Interpolate, MaxGapSeconds = 0.6 });
        r.Push(0.0, [0f]);
        for (int i = 1; i <= 4; i++) r.Push(i * 0.25, [float.NaN]);
        r.Push(1.25, [10f]);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 10f], Column(ResamplerTests.Drain(r), 0));
    }

    [Fact]
    public void NonFiniteFirstSampleWithNothingToHoldIsDropped()
    {
        var r = Make(new BadSampleHandling { NonFinite = BadSamplePolicy.HoldLast, MaxGapSeconds = 0.6 });
        Assert.Equal(SampleOutcome.Dropped, r.Push(0.0, [float.NaN]));
        Assert.Equal(1, r.Counters.DroppedSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void NonFiniteTimestampIsAlwaysDropped()
    {
        var r = Make(new BadSampleHandling { NonFinite = BadSamplePolicy.Interpolate, MaxGapSeconds = 0.6 });
        r.Push(0.0, [0f]);
        Assert.Equal(SampleOutcome.Dropped, r.Push(double.NaN, [1f]));
        Assert.Equal(SampleOutcome.Dropped, r.Push(double.PositiveInfinity, [1f]));
        r.Push(0.25, [1f]);
        Assert.Equal([0f, 1f], Column(ResamplerTests.Drain(r), 0));
        Assert.Equal(2, r.Counters.DroppedSamples(BadSampleReason.NonFinite));
    }

    [Fact]
    public void OutOfOrderDropDiscardsTheLateSample()
    {
        var r = Make(new BadSampleHandling { OutOfOrder = BadSamplePolicy.Drop, MaxGapSeconds = 0.6 });
        r.Push(0.0, [0f]);
        r.Push(0.25, [1f]);
        r.Push(0.5, [2f]);
        Assert.Equal(SampleOutcome.Dropped, r.Push(0.375, [100f]));
        r.Push(0.75, [3f]);
        Assert.Equal([0f, 1f, 2f, 3f], Column(ResamplerTests.Drain(r), 0));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.OutOfOrder));
        Assert.Equal(1, r.Counters.DroppedSamples(BadSampleReason.OutOfOrder));
    }

    [Fact]
    public void OutOfOrderResetStateRestartsTheStreamAtTheSample()
    {
        // The sensor clock jumped back to 0.125 s: a new stream starts there.
        var r = Make(new BadSampleHandling { OutOfOrder = BadSamplePolicy.ResetState, MaxGapSeconds = 0.6 });
        r.Push(0.0, [0f]);
        r.Push(0.25, [1f]);
        r.Push(0.5, [2f]);
        Assert.Equal(SampleOutcome.Restarted, r.Push(0.125, [10f]));
        r.Push(0.375, [20f]);
        var frames = ResamplerTests.Drain(r);
        Assert.Equal([0.0, 0.25, 0.5, 0.25], Times(frames));
        Assert.Equal([0f, 1f, 2f, 15f], Column(frames, 0));
        Assert.Equal([false, false, false, true], frames.Select(f => f.Stamp.ResetBefore));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.OutOfOrder));
        Assert.Equal(0, r.Counters.DroppedSamples(BadSampleReason.OutOfOrder));
        Assert.Equal(1, r.Counters.Restarts);
    }

    [Fact]
    public void DuplicateDropKeepsTheFirstSampleAtATimestamp()
    {
        var r = Make(new BadSampleHandling { Duplicate = BadSamplePolicy.Drop, MaxGapSeconds = 0.6 });
        r.Push(0.0, [0f]);
        r.Push(0.25, [1f]);
        Assert.Equal(SampleOutcome.Dropped, r.Push(0.25, [99f]));
        r.Push(0.5, [2f]);
        Assert.Equal([0f, 1f, 2f], Column(ResamplerTests.Drain(r), 0));
        Assert.Equal(1, r.Counters.DroppedSamples(BadSampleReason.Duplicate));
    }

    [Fact]
    public void DuplicateResetStateRestartsTheStreamAtTheDuplicate()
    {
        var r = Make(new BadSampleHandling { Duplicate = BadSamplePolicy.ResetState, MaxGapSeconds = 0.6 });
        r.Push(0.0, [0f]);
        r.Push(0.25, [1f]);
        Assert.Equal(SampleOutcome.Restarted, r.Push(0.25, [99f]));
        r.Push(0.5, [2f]);
        var frames = ResamplerTests.Drain(r);
        Assert.Equal([0.0, 0.25, 0.25, 0.5], Times(frames));
        Assert.Equal([0f, 1f, 99f, 2f], Column(frames, 0));
        Assert.Equal([false, false, true, false], frames.Select(f => f.Stamp.ResetBefore));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.Duplicate));
    }

    // Samples every 0.25 s with value 4t, and no samples between 0.5 s and 1.5 s (a gap of 1 s > 0.6 s).
    private static List<(FrameStamp Stamp, float[] Frame)> RunGap(BadSamplePolicy policy, out StreamResampler r, out SampleOutcome outcome)
    {
        r = Make(new BadSampleHandling { Gap = policy, MaxGapSeconds = 0.6 });
        outcome = SampleOutcome.Accepted;
        foreach (double t in new[] { 0.0, 0.25, 0.5, 1.5, 1.75, 2.0 })
        {
            SampleOutcome o = r.Push(t, [(float)(4 * t)]);
            if (t == 1.5) outcome = o;
        }
        return ResamplerTests.Drain(r);
    }

    [Fact]
    public void GapInterpolateBridgesTheGap()
    {
        var frames = RunGap(BadSamplePolicy.Interpolate, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Repaired, outcome);
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], Column(frames, 0));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.Gap));
        Assert.Equal(0, r.Counters.SkippedFrames);
    }

    [Fact]
    public void GapHoldLastFillsTheGapWithTheValueBeforeIt()
    {
        var frames = RunGap(BadSamplePolicy.HoldLast, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Repaired, outcome);
        Assert.Equal([0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0], Times(frames));
        Assert.Equal([0f, 1f, 2f, 2f, 2f, 2f, 6f, 7f, 8f], Column(frames, 0));
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.Gap));
    }

    [Fact]
    public void GapDropSkipsTheTicksInsideTheGapAndKeepsState()
    {
        var frames = RunGap(BadSamplePolicy.Drop, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Repaired, outcome);
        Assert.Equal([0.0, 0.25, 0.5, 1.5, 1.75, 2.0], Times(frames));
        Assert.Equal([0f, 1f, 2f, 6f, 7f, 8f], Column(frames, 0));
        Assert.All(frames, f => Assert.False(f.Stamp.ResetBefore));
        Assert.Equal(3, r.Counters.SkippedFrames);
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.Gap));
    }

    [Fact]
    public void GapResetStateRestartsAfterTheGap()
    {
        var frames = RunGap(BadSamplePolicy.ResetState, out var r, out var outcome);
        Assert.Equal(SampleOutcome.Restarted, outcome);
        Assert.Equal([0.0, 0.25, 0.5, 1.5, 1.75, 2.0], Times(frames));
        Assert.Equal([0f, 1f, 2f, 6f, 7f, 8f], Column(frames, 0));
        Assert.Equal([false, false, false, true, false, false], frames.Select(f => f.Stamp.ResetBefore));
        Assert.Equal(1, r.Counters.Restarts);
        Assert.Equal(0, r.Counters.SkippedFrames);
    }

    [Fact]
    public void GapDropOnADecimatedSourceSkipsEveryWindowTouchingTheGap()
    {
        // 8 Hz into 4 Hz: each frame averages [T − 0.25, T]. Data covers [0, 0.5] and [1.5, 2.25]; the windows that fit
        // are those ending at 0.25, 0.5, 1.75, 2.0 and 2.25. Tick 0 precedes the data (start-up, not counted); ticks
        // 0.75 to 1.5 touch the gap (4 skipped).
        var r = new StreamResampler(4, 1, 8, new BadSampleHandling { Gap = BadSamplePolicy.Drop, MaxGapSeconds = 0.6 });
        foreach (double t in new[] { 0.0, 0.125, 0.25, 0.375, 0.5, 1.5, 1.625, 1.75, 1.875, 2.0, 2.125, 2.25 })
            r.Push(t, [1f]);
        var frames = ResamplerTests.Drain(r);
        Assert.Equal([0.25, 0.5, 1.75, 2.0, 2.25], Times(frames));
        Assert.All(frames, f => Assert.Equal(1f, f.Frame[0], 6));
        Assert.Equal(4, r.Counters.SkippedFrames);
    }
}
