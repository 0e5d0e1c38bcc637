using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

/// <summary>
/// Regression tests for the defects fault injection found in the streaming layer (issue 11, items 1–7): no Push may
/// loop, one bad timestamp must not silence a stream, no frame is NaN, every bad argument is a clear exception, a
/// failed call changes nothing. Pushes that used to hang run under a deadline, so a regression fails instead of hanging.
/// </summary>
public class StreamFaultTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    private static List<(FrameStamp Stamp, float[] Frame)> Drain(StreamResampler r) => ResamplerTests.Drain(r);

    // ---- Item 1: ticks that do not fit a long, and rates the constructor accepted ----

    [Theory]
    [InlineData(1e17)]                 // nanoseconds since the epoch passed as seconds
    [InlineData(1.7e18)]
    [InlineData(-1e17)]
    [InlineData(double.MaxValue)]
    public void ATimestampWhoseTickDoesNotFitReturnsAtOnceAndIsRefused(double timestamp)
    {
        var r = new StreamResampler(100, 1, 100);
        SampleOutcome outcome = Deadline.Run(HangGuard, () => r.Push(timestamp, [1f]));
        Assert.Equal(SampleOutcome.Dropped, outcome);
        Assert.Equal(0, r.AvailableFrames);
        Assert.Equal(1, r.Counters.DroppedSamples(BadSampleReason.TimestampOutOfRange));
        Assert.Equal(Math.Pow(2, 42) / 100, r.MaxTimestampSeconds);

        // The stream goes on normally afterwards.
        for (int i = 0; i < 10; i++) r.Push(i * 0.01, [5f]);
        Assert.Equal(10, Drain(r).Count);
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(1e7)]
    [InlineData(1e-9)]
    public void AnOutputRateOutsideTheDocumentedRangeIsRefused(double rate)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamResampler(rate, 1, 100));
        Assert.Equal("outputRateHz", ex.ParamName);
        Assert.Contains("0.001 to 1000000 Hz", ex.Message);
    }

    // ---- Item 2: work proportional to the gap ----

    [Theory]
    [InlineData(BadSamplePolicy.HoldLast)]
    [InlineData(BadSamplePolicy.Interpolate)]
    public void AGapLongerThanTheOutputBufferRestartsInsteadOfFillingEveryTick(BadSamplePolicy gap)
    {
        var r = new StreamResampler(100, 1, 100, new BadSampleHandling { Gap = gap });
        r.Push(0.00, [1f]);
        r.Push(0.01, [2f]);
        SampleOutcome outcome = Deadline.Run(HangGuard, () => r.Push(1e6, [3f]));

        Assert.Equal(SampleOutcome.Restarted, outcome);
        Assert.Equal(1, r.Counters.Restarts);
        Assert.Equal(1, r.Counters.BadSamples(BadSampleReason.Gap));
        r.Push(1e6 + 0.01, [4f]);
        var frames = Drain(r);
        Assert.Equal([1f, 2f, 3f, 4f], frames.Select(f => f.Frame[0]));
        Assert.Equal([false, false, true, false], frames.Select(f => f.Stamp.ResetBefore));
    }

    [Fact]
    public void ASingleSampleStampedZeroInAUnixSecondsStreamCostsNoMoreThanARestart()
    {
        var r = new StreamResampler(100, 1, 100, new BadSampleHandling { OutOfOrder = BadSamplePolicy.ResetState, Gap = BadSamplePolicy.Interpolate });
        const double Now = 1.7e9;
        for (int i = 0; i < 10; i++) r.Push(Now + i * 0.01, [1f]);
        Assert.Equal(SampleOutcome.Restarted, r.Push(0, [1f]));
        Deadline.Run(HangGuard, () =>
        {
            for (int i = 10; i < 20; i++) r.Push(Now + i * 0.01, [1f]);
        });
        Assert.True(Drain(r).Count >= 18);
    }

    [Fact]
    public void UpsamplingFarBeyondTheOutputBufferCountsTheLostFramesWithoutVisitingEach()
    {
        // One sample per 1000 s read at 1 MHz: each interval spans 10⁹ ticks. Only the 256 that fit are kept.
        var r = new StreamResampler(1e6, 1, 1e-3, new BadSampleHandling { MaxGapSeconds = 2000 }, outputCapacity: 256);
        r.Push(0, [1f]);
        Deadline.Run(HangGuard, () => r.Push(1000, [2f]));
        Assert.Equal(256, r.AvailableFrames);
        Assert.Equal(1_000_000_000 + 1 - 256, r.Counters.Overruns);
    }

    // ---- Item 3: the defaults recover from a wild timestamp and from a clock reset ----

    /// <summary>Pushes a 100 Hz stream of the constant 5 at the given timestamps and counts the frames it yields.</summary>
    private static int FramesFrom(StreamResampler r, IEnumerable<double> timestamps, double since = double.NegativeInfinity)
    {
        int frames = 0;
        foreach (double t in timestamps)
        {
            r.Push(t, [5f]);
            foreach (var (stamp, frame) in Drain(r))
            {
                Assert.Equal(5f, frame[0]);
                if (stamp.Time >= since) frames++;
            }
        }
        return frames;
    }

    private static IEnumerable<double> Clock(double start, int samples) => Enumerable.Range(0, samples).Select(i => start + i * 0.01);

    [Fact]
    public void UnderTheDefaultsOneWildTimestampDoesNotSilenceTheStream()
    {
        var r = new StreamResampler(100, 1, 100);
        FramesFrom(r, Clock(0, 500));
        FramesFrom(r, [1005.0]);                 // one sample 1000 s ahead
        int after = FramesFrom(r, Clock(5.01, 500));
        Assert.True(after >= 490, $"{after} frames in the 5 s after the wild sample");
        Assert.Equal(1, r.Counters.Reanchors);
        Assert.Equal(2, r.Counters.Restarts); // the gap to the wild sample, then back onto the real timeline
    }

    [Fact]
    public void UnderTheDefaultsASensorClockResetIsFollowedByTheNewTimeline()
    {
        var r = new StreamResampler(100, 1, 100);
        FramesFrom(r, Clock(0, 1000));
        int after = FramesFrom(r, Clock(0, 1000));   // the sensor restarted its clock at 0
        Assert.True(after >= 990, $"{after} frames in the 10 s after the clock reset");
        Assert.Equal((1, 1), (r.Counters.Reanchors, r.Counters.Restarts));
        Assert.Equal(2, r.Counters.DroppedSamples(BadSampleReason.OutOfOrder));
    }

    [Fact]
    public void ASilentSourceDoesNotHoldBackTheOtherForever()
    {
        var r = new StreamResampler(100, [new StreamSource(1, 100), new StreamSource(1, 100)]);
        var frames = new List<(FrameStamp Stamp, float[] Frame)>();
        for (int i = 0; i < 1000; i++)
        {
            double t = i * 0.01;
            r.Push(0, t, [1f]);
            if (t < 2) r.Push(1, t, [7f]); // source 1 dies at 2 s
            frames.AddRange(Drain(r));
        }
        // Once source 1 counts as dead (silent for the default DeadSourceSeconds, 1 s), it holds nothing back: the stream
        // runs up to the newest sample again, not DeadSourceSeconds behind it.
        Assert.True(frames[^1].Stamp.Time >= 9.98, $"the last frame is at {frames[^1].Stamp.Time} s, the newest sample at 9.99 s");
        Assert.All(frames, f => Assert.Equal((1f, 7f), (f.Frame[0], f.Frame[1])));
        // Every frame after 2 s held source 1.
        Assert.InRange(r.Counters.DeadSourceFrames, 795, 800);
        Assert.Equal(0, r.Counters.Restarts);
    }

    [Fact]
    public void ASourceThatNeverSpeaksHoldsZerosAfterTheDeadSourceTimeout()
    {
        var r = new StreamResampler(100, [new StreamSource(1, 100), new StreamSource(2, 100)], new BadSampleHandling { DeadSourceSeconds = 0.5 });
        var frames = new List<(FrameStamp Stamp, float[] Frame)>();
        for (int i = 0; i < 300; i++)
        {
            r.Push(0, i * 0.01, [3f]);
            frames.AddRange(Drain(r));
        }
        Assert.Equal(300, frames.Count); // ticks 0 .. 2.99 s: after 0.5 s without a word, source 1 no longer holds frames back
        Assert.All(frames, f => Assert.Equal([3f, 0f, 0f], f.Frame));
        Assert.Equal(300, r.Counters.DeadSourceFrames);
    }

    [Fact]
    public void ASourceOnATimelineOfItsOwnIsHeldAndDoesNotMakeTheStreamFlip()
    {
        // Source 1's clock is 1000 s behind everyone else's. Its samples never re-anchor the stream, because source 0
        // keeps contradicting that timeline; frames keep flowing with source 1 held once it counts as dead.
        var r = new StreamResampler(100, [new StreamSource(1, 100), new StreamSource(1, 100)]);
        int frames = 0;
        for (int i = 0; i < 1000; i++)
        {
            r.Push(0, 1000 + i * 0.01, [1f]);
            if (i == 0) r.Push(1, 1000, [2f]);
            else r.Push(1, i * 0.01, [9f]);
            frames += Drain(r).Count;
        }
        Assert.Equal(0, r.Counters.Reanchors);
        Assert.Equal(0, r.Counters.Restarts);
        Assert.True(frames >= 880, $"{frames} frames");
    }

    // ---- Item 4: NaN frames after a restart with NonFinite = Interpolate ----

    [Fact]
    public void ANonFiniteValueRightAfterARestartNeverReachesAFrame()
    {
        var r = new StreamResampler(100, 1, 50, new BadSampleHandling { NonFinite = BadSamplePolicy.Interpolate, Gap = BadSamplePolicy.ResetState, MaxGapSeconds = 0.05 });
        r.Push(1.00, [1f]);
        r.Push(1.02, [2f]);
        r.Push(2.00, [float.NaN]);
        r.Push(2.02, [3f]);
        r.Push(2.04, [4f]);
        var frames = Drain(r);
        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.True(float.IsFinite(f.Frame[0]), $"tick {f.Stamp.Tick} is {f.Frame[0]}"));
        Assert.Contains(frames, f => f.Stamp.Tick == 202 && f.Frame[0] == 3f);
    }

    // ---- Item 5: sizes that overflowed ----

    [Fact]
    public void AGapLimitThatWouldOverflowTheInputBufferIsRefused()
    {
        var ex = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new StreamResampler(100, 1, 100, new BadSampleHandling { MaxGapSeconds = 1e8 }));
        Assert.Contains("MaxGapSeconds", ex.ParamName);
    }

    [Fact]
    public void AnInputRateOutsideTheDocumentedRangeIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamSource(1, 1e12));
        Assert.Equal("nominalRateHz", ex.ParamName);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(0)]
    public void AnOutputCapacityOutOfRangeIsRefused(int capacity)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamResampler(100, 1, 100, outputCapacity: capacity));
        Assert.Equal("outputCapacity", ex.ParamName);
    }

    [Fact]
    public void ASlidingWindowTooLargeToAllocateIsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindow(int.MaxValue, 1, 3));
        Assert.Equal("length", ex.ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void ARunnerWindowOutOfRangeIsRefused(int windowLength)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new StreamRunner(new LeakyGestureModel(8), windowLength, 1));
        Assert.Equal("windowLength", ex.ParamName);
    }

    [Fact]
    public void CountersSaturateInsteadOfWrappingNegative()
    {
        var counters = new StreamCounters();
        counters.CountSkippedFrames(long.MaxValue - 1);
        counters.CountSkippedFrames(5);
        counters.CountOverruns(long.MaxValue);
        counters.CountOverrun();
        Assert.Equal((long.MaxValue, long.MaxValue), (counters.SkippedFrames, counters.Overruns));
    }

    [Fact]
    public void ASkipAcrossTheWholeTimestampRangeIsCountedExactly()
    {
        var r = new StreamResampler(100, 1, 100, new BadSampleHandling { Gap = BadSamplePolicy.Drop });
        double edge = r.MaxTimestampSeconds;
        Assert.Equal(SampleOutcome.Accepted, r.Push(-edge, [1f]));
        Assert.Equal(SampleOutcome.Repaired, Deadline.Run(HangGuard, () => r.Push(edge, [2f])));
        Assert.Equal(2, Drain(r).Count);
        Assert.Equal((long)(2 * edge * 100) - 1, r.Counters.SkippedFrames);
    }

    // ---- Item 6: exception types, and failed constructions change nothing ----

    [Fact]
    public void ABadSourceIndexIsAnArgumentOutOfRangeException()
    {
        var r = new StreamResampler(100, [new StreamSource(1, 100), new StreamSource(2, 100)]);
        foreach (int source in new[] { -1, 2, int.MaxValue })
        {
            Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => r.Push(source, 0, [1f])).ParamName);
            Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => r.ChannelOffset(source)).ParamName);
            Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => r.IsDecimated(source)).ParamName);
        }
    }

    [Fact]
    public void ANullModelIsAnArgumentNullException()
    {
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new StreamRunner((IStepModel)null!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new StreamRunner((ISequenceModel)null!, 4, 1)).ParamName);
    }

    [Fact]
    public void RejectedRunnerConstructionsLeaveTheModelStateAlone()
    {
        var model = new LeakyGestureModel(sequenceLength: 4);
        model.State[0] = 0.5f;
        Action[] rejected =
        [
            () => new StreamRunner(model, new EmaSmoother(3, 0.5f)),
            () => new StreamRunner(model, detectors: [new EventDetector(2, 0.5f, 0.5f)]),
            () => new StreamRunner(model, latencyWindow: 0),
            () => new StreamRunner(model, windowLength: 5, stride: 1),
            () => new StreamRunner(model, windowLength: 4, stride: 0),
            () => new StreamRunner(model, windowLength: 4, stride: 2, WindowStatePolicy.Carry),
            () => new StreamRunner(model, windowLength: 4, stride: 1, (WindowStatePolicy)9),
        ];
        foreach (Action construct in rejected)
            Assert.ThrowsAny<ArgumentException>(construct);
        Assert.Equal(0.5f, model.State[0]);
        Assert.Equal(0, model.ResetCount);
    }

    [Fact]
    public void ARunThatOverflowsARealModelIsDiscardedAndItsStateReset()
    {
        // Finite but extreme inputs: with weights of 2, W·x overflows to +∞ and −∞, whose sum is NaN.
        var model = new RnnGen.Tests.Models.Nested.InnerModel();
        model.Parameters.Fill(2f);
        var runner = new StreamRunner(model);
        Assert.True(runner.Push([0.5f, 0.25f], new FrameStamp(0, 0, false)));
        float[] good = runner.Output.ToArray();

        Assert.False(runner.Push([3e38f, -3e38f], new FrameStamp(1, 0.01, false)));
        Assert.Equal(1, runner.Counters.DivergedSteps);
        Assert.All(model.State.ToArray(), v => Assert.Equal(0f, v));
        Assert.True(runner.Output.IsEmpty);

        Assert.True(runner.Push([0.5f, 0.25f], new FrameStamp(2, 0.02, false)));
        Assert.Equal(good, runner.Output.ToArray()); // from a zero state again, the same first step

        float[] extreme = [3e38f, -3e38f], normal = [0.5f, 0.25f];
        long tick = 3;
        long bytes = Allocations.Measure(() =>
        {
            tick++;
            runner.Push(tick % 2 == 0 ? extreme : normal, new FrameStamp(tick, tick / 100.0, false));
        }, warmup: 20, iterations: 2000);
        Assert.Equal(0, bytes);
        Assert.True(runner.Counters.DivergedSteps > 1000);
    }

    [Fact]
    public void FaultPathsAllocateNothing()
    {
        // Two sources; source 1 goes silent for 2 s of every 5 (dead-source frames), the clock resets every 7 s
        // (re-anchoring), every 50th sample is out of range, and frames are read only every third push (overruns).
        var r = new StreamResampler(100, [new StreamSource(2, 100), new StreamSource(1, 100)], outputCapacity: 2);
        var frame = new float[r.FrameSize];
        float[] a = [1f, 2f], b = [3f];
        int n = 0;
        long bytes = Allocations.Measure(() =>
        {
            n++;
            double t = (n % 700) * 0.01;
            r.Push(0, n % 50 == 0 ? 1e300 : t, a);
            if (n % 500 < 300) r.Push(1, t, b);
            if (n % 3 == 0) while (r.TryRead(frame, out _)) { }
        }, warmup: 2000, iterations: 20_000);
        Assert.Equal(0, bytes);
        Assert.True(r.Counters.Reanchors > 10);
        Assert.True(r.Counters.DeadSourceFrames > 1000);
        Assert.True(r.Counters.Overruns > 100);
        Assert.True(r.Counters.DroppedSamples(BadSampleReason.TimestampOutOfRange) > 100);
    }

    // ---- Item 7: precision lost in huge timestamps ----

    [Fact]
    public void TimestampsBeyondTheUsableRangeAreRefusedRatherThanResampledWrongly()
    {
        // Around 1e17 s a double cannot tell 10 ms apart: a constant input of 5 used to come out as frames of 0.
        var r = new StreamResampler(100, 1, 100);
        Deadline.Run(HangGuard, () =>
        {
            for (int i = 0; i < 100; i++)
                Assert.Equal(SampleOutcome.Dropped, r.Push(1e17 + i * 10.0, [5f]));
        });
        Assert.Equal(0, r.AvailableFrames);
    }

    [Fact]
    public void TimestampsInsideTheUsableRangeResampleExactly()
    {
        // 4e10 s at 100 Hz is inside the range (|t|·rate ≤ 2^42): a constant stays constant.
        var r = new StreamResampler(100, 1, 100);
        int frames = FramesFrom(r, Clock(4e10, 300));
        Assert.True(frames >= 299, $"{frames} frames");
    }
}
