using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

/// <summary>
/// A recorded sensor stream with jitter, bursts, non-finite values, a late and a duplicated sample and a gap, through
/// ring → resampler → normaliser → model → smoothing → event detector.
/// </summary>
public class EndToEndStreamingTests
{
    private struct SensorSample
    {
        public double Time;
        public float A;
        public float B;
    }

    private const double Rate = 50; // sensor and output, ticks every 20 ms

    // Gesture intervals (g = 1), edges 10 ms after a tick so every sample is at least 6 ms from an edge. D has a dip
    // to g = 0.4 in the middle. Raw channel A = 2 + 4g; channel B is a constant 5 the model ignores.
    private static double Gesture(double t) =>
        t >= 1.01 && t < 1.51 ? 1 :                  // A: ticks 51..75
        t >= 3.01 && t < 3.31 ? 1 :                  // B: ticks 151..165
        t >= 3.81 && t < 3.85 ? 1 :                  // C: a two-tick blip
        t >= 4.59 && t < 4.65 ? 0.4 :                // D's dip
        t >= 4.41 && t < 4.81 ? 1 :                  // D: ticks 221..240
        t >= 4.93 && t < 5.41 ? 1 :                  // E: ticks 247..270, starts inside D's refractory period
        0;

    private static List<SensorSample> Recording()
    {
        var rng = new TestRandom(2024);
        var samples = new List<SensorSample>();
        for (int i = 0; i <= 280; i++)
        {
            if (i > 100 && i < 130) continue; // the sensor is silent from 2.0 s to 2.6 s
            double t = i / Rate + rng.Jitter(0.004);
            var s = new SensorSample { Time = t, A = (float)(2 + 4 * Gesture(t)), B = 5f };
            if (i == 25) s.A = float.PositiveInfinity;
            if (i is 60 or 61 or 62) s.A = float.NaN; // inside gesture A
            if (i == 175) s.B = float.NaN;
            samples.Add(s);
            if (i == 40) samples.Add(new SensorSample { Time = t - 0.005, A = 1000f, B = 5f }); // late
            if (i == 80) samples.Add(new SensorSample { Time = t, A = 1000f, B = 5f });         // duplicate
        }
        return samples;
    }

    private static IEnumerable<long> Span(double first, double last)
    {
        for (long t = (long)first; t <= (long)last; t++) yield return t;
    }

    [Fact]
    public void RecordedStreamWithBadSamplesYieldsExactlyTheExpectedGestures()
    {
        // Training statistics, saved as metadata and loaded back as a deployment would: A alternates 2 and 6 (μ 4, σ 2),
        // B alternates 4 and 6 (μ 5, σ 1). Normalised A is −1 at rest and +1 during a gesture.
        float[] training = Enumerable.Range(0, 1000).SelectMany(i => i % 2 == 0 ? new[] { 2f, 4f } : new[] { 6f, 6f }).ToArray();
        var normalizer = ZScoreNormalizer.FromMetadata(ZScoreNormalizer.Fit(training, 2).ToMetadata());

        var counters = new StreamCounters();
        var ring = new SpscRing<SensorSample>(16, counters);
        var resampler = new StreamResampler(Rate, channelCount: 2, inputRateHz: Rate, new BadSampleHandling
        {
            NonFinite = BadSamplePolicy.Interpolate,
            OutOfOrder = BadSamplePolicy.Drop,
            Duplicate = BadSamplePolicy.Drop,
            Gap = BadSamplePolicy.ResetState,
            MaxGapSeconds = 0.25,
        }, counters: counters);
        var model = new LeakyGestureModel(); // throws if a non-finite value reaches it
        var runner = new StreamRunner(model, new EmaSmoother(2, 0.5f),
            [new EventDetector(outputIndex: 1, enterThreshold: 0.6f, exitThreshold: 0.4f, minDurationSteps: 3, refractorySteps: 10)],
            counters);

        var events = new List<StreamEvent>();
        var resets = new List<long>();
        var ticks = new List<long>();
        var frame = new float[2];
        var rng = new TestRandom(77);
        List<SensorSample> recording = Recording();
        int next = 0;
        while (next < recording.Count)
        {
            // The sensor thread delivers bursts of 1–4 samples; the control loop then drains everything.
            int burst = 1 + (int)(rng.NextDouble() * 4);
            for (int b = 0; b < burst && next < recording.Count; b++) Assert.True(ring.TryWrite(recording[next++]));
            while (ring.TryRead(out SensorSample s)) resampler.Push(s.Time, [s.A, s.B]);
            while (resampler.TryRead(frame, out FrameStamp stamp))
            {
                normalizer.Normalize(frame);
                if (stamp.ResetBefore) resets.Add(stamp.Tick);
                ticks.Add(stamp.Tick);
                Assert.True(runner.Push(frame, stamp));
                foreach (StreamEvent e in runner.Events) events.Add(e);
            }
        }

        // Each gesture fires 4 ticks after its first tick: the smoothed score reaches 0.6 on the third tick and must
        // stay above 0.4 for three ticks. The blip C is too short. D's dip falls below the enter threshold but not the
        // exit threshold, so D fires once. D's episode ends at tick 243; ticks 244–253 are refractory, so E, which
        // began at 247, starts its episode at 254 and fires at 256.
        Assert.Equal([55L, 155L, 225L, 256L], events.Select(e => e.Tick));
        Assert.All(events, e => Assert.Equal(e.Tick / Rate, e.Time, 9));
        Assert.All(events, e => Assert.Equal(1, e.OutputIndex));

        // The gap restarted the stream once. Ticks run without a hole from the first sample to the last before the gap,
        // and again from the first sample after it (with a reset) to the last sample.
        double beforeGap = recording.Last(s => s.Time < 2.3).Time, afterGap = recording.First(s => s.Time > 2.3).Time;
        long[] expectedTicks = [
            .. Span(Math.Ceiling(recording[0].Time * Rate), Math.Floor(beforeGap * Rate)),
            .. Span(Math.Ceiling(afterGap * Rate), Math.Floor(recording[^1].Time * Rate))];
        Assert.Equal(expectedTicks, ticks);
        Assert.Equal([(long)Math.Ceiling(afterGap * Rate)], resets);

        Assert.Equal(5, counters.BadSamples(BadSampleReason.NonFinite));
        Assert.Equal(0, counters.DroppedSamples(BadSampleReason.NonFinite));
        Assert.Equal(1, counters.DroppedSamples(BadSampleReason.OutOfOrder));
        Assert.Equal(1, counters.DroppedSamples(BadSampleReason.Duplicate));
        Assert.Equal(1, counters.BadSamples(BadSampleReason.Gap));
        Assert.Equal(1, counters.Restarts);
        Assert.Equal(1, counters.Resets);
        Assert.Equal(4, counters.Events);
        Assert.Equal(0, counters.Overruns);
        Assert.Equal(ticks.Count, counters.Steps);
        Assert.Equal(ticks.Count, model.StepsSeen);
    }
}
