using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class StreamRunnerTests
{
    private static FrameStamp Stamp(long tick, bool reset = false) => new(tick, tick / 100.0, reset);

    [Fact]
    public void StepModeRunsTheModelOncePerFrameAndCarriesState()
    {
        var model = new LeakyGestureModel();
        var runner = new StreamRunner(model);
        Assert.Equal(1, model.ResetCount); // reset at construction
        Assert.True(runner.Push([1f, 0f], Stamp(0)));
        // h = 0.5 → p = 0.75
        Assert.Equal([0.25f, 0.75f], runner.Output.ToArray());
        Assert.True(runner.Push([1f, 0f], Stamp(1)));
        // h = 0.75 → p = 0.875: the state was carried
        Assert.Equal(0.875f, runner.Output[1]);
        Assert.Equal(2, runner.Counters.Steps);
        Assert.Equal(2, runner.Latency.Count);
    }

    [Fact]
    public void AResetStampResetsModelSmootherAndDetectorsFirst()
    {
        var model = new LeakyGestureModel();
        var runner = new StreamRunner(model, new EmaSmoother(2, 0.5f), [new EventDetector(1, 0.7f, 0.3f)]);
        runner.Push([1f, 0f], Stamp(0));
        runner.Push([1f, 0f], Stamp(1));
        Assert.Equal(1, runner.Counters.Events);
        runner.Push([1f, 0f], Stamp(2, reset: true));
        // Fresh state: h = 0.5 → p = 0.75, smoother restarted at p, and the detector fires again.
        Assert.Equal(0.75f, runner.Output[1]);
        Assert.Equal(2, model.ResetCount);
        Assert.Equal(1, runner.Counters.Resets);
        Assert.Equal(1, runner.Events.Length);
        Assert.Equal(new StreamEvent(0, 1, 2, 0.02, 0.75f), runner.Events[0]);
    }

    [Fact]
    public void NonFiniteFramesAreRefusedBeforeTheModel()
    {
        var model = new LeakyGestureModel();
        var runner = new StreamRunner(model);
        Assert.False(runner.Push([float.NaN, 0f], Stamp(0)));
        Assert.False(runner.Push([0f, float.NegativeInfinity], Stamp(1)));
        Assert.Equal(0, model.StepsSeen);
        Assert.Equal(2, runner.Counters.DroppedSamples(BadSampleReason.NonFinite));
        Assert.True(runner.Output.IsEmpty);
    }

    [Fact]
    public void SmoothingAndDetectionUseTheSmoothedRow()
    {
        // p per step: 0.75, 0.875, 0.9375; smoothed with α = 0.5: 0.75, 0.8125, 0.875. Enter at 0.8 needs the smoothed value.
        var runner = new StreamRunner(new LeakyGestureModel(), new EmaSmoother(2, 0.5f), [new EventDetector(1, 0.8f, 0.5f, minDurationSteps: 2)]);
        var fired = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            runner.Push([1f, 0f], Stamp(i));
            foreach (StreamEvent e in runner.Events) fired.Add(e.Tick);
        }
        Assert.Equal(0.875f, runner.Output[1], 6);
        Assert.Equal([2L], fired);
    }

    [Fact]
    public void WindowModeRunsEveryStrideFramesWithAFreshState()
    {
        // T = 4, S = 2, input i at frame i. Windows end at frames 4, 6, 8: sums 1+2+3+4, 3+…+6, 5+…+8.
        var model = new SumModel(sequenceLength: 8);
        var runner = new StreamRunner(model, windowLength: 4, stride: 2);
        var sums = new List<float>();
        for (int i = 1; i <= 9; i++)
            if (runner.Push([i], Stamp(i))) sums.Add(runner.Output[0]);
        Assert.Equal([10f, 18f, 26f], sums);
        Assert.Equal(4f, runner.Output[1]); // steps since the last reset: one window
        Assert.Equal(3, runner.Counters.Steps);
    }

    [Fact]
    public void WindowModeCanCarryStateBetweenNonOverlappingWindows()
    {
        var model = new SumModel(sequenceLength: 3);
        var runner = new StreamRunner(model, windowLength: 3, stride: 3, WindowStatePolicy.Carry);
        var sums = new List<float>();
        for (int i = 1; i <= 9; i++)
            if (runner.Push([i], Stamp(i))) sums.Add(runner.Output[0]);
        Assert.Equal([6f, 21f, 45f], sums); // running totals
        Assert.Equal(9f, runner.Output[1]);

        Assert.Throws<ArgumentException>(() => new StreamRunner(new SumModel(4), 4, 2, WindowStatePolicy.Carry));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamRunner(new SumModel(4), 5, 5));
    }

    [Fact]
    public void WindowModeUsesTheLastRowOfAPerStepModel()
    {
        // LeakyGestureModel writes one row per step; the runner reports the last: after 3 steps of x₀ = 1 from zero
        // state, h = 0.875 → p = 0.9375.
        var runner = new StreamRunner(new LeakyGestureModel(sequenceLength: 3), windowLength: 3, stride: 1);
        runner.Push([1f, 0f], Stamp(0));
        runner.Push([1f, 0f], Stamp(1));
        Assert.True(runner.Push([1f, 0f], Stamp(2)));
        Assert.Equal(0.9375f, runner.Output[1]);
        Assert.True(runner.Push([1f, 0f], Stamp(3)));
        Assert.Equal(0.9375f, runner.Output[1]); // reset before each window
    }

    [Fact]
    public void AResetStampClearsTheWindow()
    {
        var runner = new StreamRunner(new SumModel(2), windowLength: 2, stride: 1);
        runner.Push([1f], Stamp(0));
        Assert.True(runner.Push([2f], Stamp(1)));
        Assert.False(runner.Push([100f], Stamp(2, reset: true)));
        Assert.True(runner.Push([3f], Stamp(3)));
        Assert.Equal(103f, runner.Output[0]);
    }

    [Fact]
    public void MisconfigurationIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new StreamRunner(new LeakyGestureModel(), new EmaSmoother(3, 0.5f)));
        Assert.Throws<ArgumentException>(() => new StreamRunner(new LeakyGestureModel(), detectors: [new EventDetector(2, 0.5f, 0.5f)]));
        var runner = new StreamRunner(new LeakyGestureModel());
        Assert.Throws<ArgumentException>(() => runner.Push([1f], Stamp(0)));
    }

    [Fact]
    public void StepModeAllocatesNothing()
    {
        var runner = new StreamRunner(new LeakyGestureModel(), new EmaSmoother(2, 0.3f),
            [new EventDetector(1, 0.8f, 0.3f, 3, 5), new EventDetector(0, 0.9f, 0.5f)]);
        float[] frame = [0f, 0f];
        long tick = 0;
        long bytes = Allocations.Measure(() =>
        {
            frame[0] = (tick / 20) % 2 == 0 ? 1f : -1f;
            frame[1] = tick % 50 == 0 ? float.NaN : 0f;
            runner.Push(frame, new FrameStamp(tick, tick / 100.0, tick % 500 == 0));
            tick++;
        });
        Assert.Equal(0, bytes);
        Assert.True(runner.Counters.Events > 100);
    }

    [Fact]
    public void WindowModeAllocatesNothing()
    {
        var runner = new StreamRunner(new LeakyGestureModel(sequenceLength: 16), 16, 4, WindowStatePolicy.ResetEachWindow,
            new EmaSmoother(2, 0.5f), [new EventDetector(1, 0.8f, 0.3f)]);
        float[] frame = [0f, 0f];
        long tick = 0;
        long bytes = Allocations.Measure(() =>
        {
            frame[0] = (tick / 40) % 2 == 0 ? 1f : -1f;
            runner.Push(frame, new FrameStamp(tick, tick / 100.0, false));
            tick++;
        });
        Assert.Equal(0, bytes);
        Assert.True(runner.Counters.Steps > 2000);
    }

    [Fact]
    public void AnInferenceCopyRunsTheFramesAsItsModelDoes()
    {
        // The same frames through a runner over a generated model and one over its inference copy (column cells on
        // AVX-512): the same outputs, resets and divergence handling, and the copy's state, not the model's, is used.
        var model = new Models.OffGridInference();
        var copy = model.ToInference();
        var byModel = new StreamRunner(model, new EmaSmoother(Models.OffGridInference.OutputSize, 0.5f));
        var byCopy = new StreamRunner(copy, new EmaSmoother(Models.OffGridInference.OutputSize, 0.5f));
        Assert.Equal(Models.OffGridInference.InputSize, byCopy.InputSize);
        var random = new Random(3);
        var frame = new float[Models.OffGridInference.InputSize];
        for (long tick = 0; tick < 60; tick++)
        {
            for (int i = 0; i < frame.Length; i++) frame[i] = (float)(random.NextDouble() * 2 - 1);
            if (tick == 30) frame[2] = float.PositiveInfinity;
            var stamp = Stamp(tick, reset: tick == 45);
            Assert.Equal(byModel.Push(frame, stamp), byCopy.Push(frame, stamp));
            var want = byModel.Output;
            var got = byCopy.Output;
            Assert.Equal(want.Length, got.Length);
            for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"tick {tick}, output {i}: {got[i]}, want {want[i]}");
        }
        Assert.Equal(byModel.Counters.Steps, byCopy.Counters.Steps);
        Assert.Equal(1, byCopy.Counters.Resets);
        Assert.Throws<ArgumentNullException>(() => new StreamRunner((IStepInference)null!));
        Assert.Throws<ArgumentException>(() => new StreamRunner(copy, new EmaSmoother(2, 0.5f)));
    }

    [Fact]
    public void AnInferenceCopysStepModeAllocatesNothing()
    {
        var runner = new StreamRunner(new Models.OffGridInference().ToInference(), new EmaSmoother(Models.OffGridInference.OutputSize, 0.3f));
        var frame = new float[Models.OffGridInference.InputSize];
        long tick = 0;
        long bytes = Allocations.Measure(() =>
        {
            frame[0] = (tick / 20) % 2 == 0 ? 1f : -1f;
            frame[1] = tick % 50 == 0 ? float.NaN : 0f;
            runner.Push(frame, new FrameStamp(tick, tick / 100.0, tick % 500 == 0));
            tick++;
        });
        Assert.Equal(0, bytes);
        Assert.True(runner.Counters.Steps > 1000);
    }
}
