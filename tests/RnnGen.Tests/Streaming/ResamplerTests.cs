using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class ResamplerTests
{
    internal static List<(FrameStamp Stamp, float[] Frame)> Drain(StreamResampler r)
    {
        var frames = new List<(FrameStamp, float[])>();
        var buffer = new float[r.FrameSize];
        while (r.TryRead(buffer, out FrameStamp stamp)) frames.Add((stamp, (float[])buffer.Clone()));
        return frames;
    }

    [Fact]
    public void IrregularSamplesBecomeLinearInterpolationAtFixedTicks()
    {
        // Hand-computed: the line through (0, 0), (0.1, 10), (0.25, 4) read every 0.05 s.
        var r = new StreamResampler(20, channelCount: 1, inputRateHz: 10);
        r.Push(0.0, [0f]);
        r.Push(0.1, [10f]);
        r.Push(0.25, [4f]);
        var frames = Drain(r);
        Assert.Equal([0, 1, 2, 3, 4, 5], frames.Select(f => f.Stamp.Tick));
        float[] expected = [0, 5, 10, 8, 6, 4];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], frames[i].Frame[0], 4);
            Assert.Equal(i / 20.0, frames[i].Stamp.Time, 12);
            Assert.False(frames[i].Stamp.ResetBefore);
        }
    }

    [Fact]
    public void JitteredBurstyUpsamplingReproducesALinearSignalExactly()
    {
        // 50 Hz nominal with ±4 ms jitter, delivered in bursts of up to 5, read out at 100 Hz.
        var rng = new TestRandom(7);
        var r = new StreamResampler(100, channelCount: 2, inputRateHz: 50);
        var frames = new List<(FrameStamp Stamp, float[] Frame)>();
        int i = 0;
        while (i < 200)
        {
            int burst = 1 + (int)(rng.NextDouble() * 5);
            for (int b = 0; b < burst && i < 200; b++, i++)
            {
                double t = 0.3 + i * 0.02 + rng.Jitter(0.004);
                Assert.Equal(SampleOutcome.Accepted, r.Push(t, [(float)(1 + 2 * t), (float)(-3 * t)]));
            }
            frames.AddRange(Drain(r));
        }
        Assert.True(frames.Count > 350);
        for (int k = 0; k < frames.Count; k++)
        {
            double t = frames[k].Stamp.Time;
            Assert.Equal(frames[0].Stamp.Tick + k, frames[k].Stamp.Tick);
            Assert.Equal(1 + 2 * t, frames[k].Frame[0], 4);
            Assert.Equal(-3 * t, frames[k].Frame[1], 4);
        }
        Assert.Equal(0, r.Counters.TotalDroppedSamples);
    }

    [Fact]
    public void DecimationAveragesOverOneOutputPeriod()
    {
        // The mean of a line over [T − P, T] is its value at T − P/2.
        var rng = new TestRandom(3);
        var r = new StreamResampler(100, channelCount: 1, inputRateHz: 400);
        Assert.True(r.IsDecimated(0));
        for (int i = 0; i < 400; i++)
        {
            double t = i * 0.0025 + rng.Jitter(0.0005);
            r.Push(t, [(float)(5 - 4 * t)]);
        }
        var frames = Drain(r);
        Assert.True(frames.Count > 90);
        foreach (var (stamp, frame) in frames)
            Assert.Equal(5 - 4 * (stamp.Time - 0.005), frame[0], 4);
    }

    [Fact]
    public void DecimationRemovesTheComponentThatWouldAliasToZeroHertz()
    {
        // cos(2π·100 t) sampled at 200 Hz alternates +1, −1. Read at 100 Hz by point sampling it aliases to a constant
        // +1; the box filter's null at 100 Hz removes it.
        static float Signal(int i) => i % 2 == 0 ? 1f : -1f;
        var decimated = new StreamResampler(100, [new StreamSource(1, 200)]);
        var pointSampled = new StreamResampler(100, [new StreamSource(1, 100)]);
        for (int i = 0; i < 200; i++)
        {
            decimated.Push(i / 200.0, [Signal(i)]);
            pointSampled.Push(i / 200.0, [Signal(i)]);
        }
        var filtered = Drain(decimated);
        var aliased = Drain(pointSampled);
        Assert.True(filtered.Count > 90 && aliased.Count > 90);
        Assert.All(filtered, f => Assert.Equal(0f, f.Frame[0], 5));
        Assert.All(aliased, f => Assert.Equal(1f, f.Frame[0]));
    }

    [Fact]
    public void SensorsAtDifferentRatesAreMergedOnOneClock()
    {
        // Accelerometer at 100 Hz (3 channels) and gyroscope at 200 Hz (3 channels), jittered, the gyroscope starting
        // later and delivered in late batches of four. Output 100 Hz: the accelerometer is point-sampled, the gyroscope
        // averaged over the period (so it reads its line at T − 5 ms).
        var rng = new TestRandom(11);
        var r = new StreamResampler(100, [new StreamSource(3, 100), new StreamSource(3, 200)]);
        Assert.Equal(6, r.FrameSize);
        Assert.Equal(3, r.ChannelOffset(1));
        Assert.False(r.IsDecimated(0));
        Assert.True(r.IsDecimated(1));

        static float Acc(int c, double t) => (float)(c + 0.5 * t);
        static float Gyro(int c, double t) => (float)(-c + 2 * t);
        var gyroBatch = new List<double>();
        var frames = new List<(FrameStamp Stamp, float[] Frame)>();
        int g = 0;
        for (int a = 0; a < 300; a++)
        {
            double ta = 1.0 + a * 0.01 + rng.Jitter(0.002);
            r.Push(0, ta, [Acc(0, ta), Acc(1, ta), Acc(2, ta)]);
            // Gyroscope samples up to 30 ms behind the accelerometer, starting at 1.013 s.
            while (1.013 + g * 0.005 < ta - 0.03)
            {
                gyroBatch.Add(1.013 + g * 0.005 + rng.Jitter(0.001));
                g++;
                if (gyroBatch.Count == 4)
                {
                    foreach (double tg in gyroBatch) r.Push(1, tg, [Gyro(0, tg), Gyro(1, tg), Gyro(2, tg)]);
                    gyroBatch.Clear();
                }
            }
            frames.AddRange(Drain(r));
        }

        Assert.True(frames.Count > 250);
        // The first frame whose gyroscope window [T − P, T] follows the gyroscope's first sample (≈ 1.013 s): T = 1.03 s.
        Assert.Equal(103, frames[0].Stamp.Tick);
        for (int k = 0; k < frames.Count; k++)
        {
            var (stamp, frame) = frames[k];
            Assert.Equal(103 + k, stamp.Tick);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(Acc(c, stamp.Time), frame[c], 4);
                Assert.Equal(Gyro(c, stamp.Time - 0.005), frame[3 + c], 4);
            }
        }
        Assert.Equal(0, r.Counters.SkippedFrames);
    }

    [Fact]
    public void PoliciesThatCannotApplyAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new StreamResampler(4, 1, 4, new BadSampleHandling { OutOfOrder = BadSamplePolicy.HoldLast }));
        Assert.Throws<ArgumentException>(() => new StreamResampler(4, 1, 4, new BadSampleHandling { OutOfOrder = BadSamplePolicy.Interpolate }));
        Assert.Throws<ArgumentException>(() => new StreamResampler(4, 1, 4, new BadSampleHandling { Duplicate = BadSamplePolicy.HoldLast }));
        Assert.Throws<ArgumentException>(() => new StreamResampler(4, 1, 4, new BadSampleHandling { Duplicate = BadSamplePolicy.Interpolate }));
        Assert.Equal("MaxGapSeconds", Assert.Throws<ArgumentOutOfRangeException>(() => new StreamResampler(4, 1, 4, new BadSampleHandling { MaxGapSeconds = 0 })).ParamName);
        Assert.Equal("Gap", Assert.Throws<ArgumentOutOfRangeException>(() => new StreamResampler(4, 1, 4, new BadSampleHandling { Gap = (BadSamplePolicy)7 })).ParamName);
    }

    [Fact]
    public void OutputBufferOverflowDropsFramesAndCountsThem()
    {
        var r = new StreamResampler(4, 1, 4, outputCapacity: 2);
        r.Push(0.0, [0f]);
        r.Push(0.25, [1f]);
        r.Push(0.5, [2f]);
        Assert.Equal(1, r.Counters.Overruns);
        var frames = Drain(r);
        Assert.Equal([0f, 1f], frames.Select(f => f.Frame[0]));
        Assert.Equal(2, r.Counters.Frames);
    }

    [Fact]
    public void ASourceThatRunsTooFarAheadOverrunsItsBuffer()
    {
        var r = new StreamResampler(4, [new StreamSource(1, 4, bufferSamples: 4), new StreamSource(1, 4)]);
        for (int i = 0; i < 4; i++) Assert.Equal(SampleOutcome.Accepted, r.Push(0, i * 0.25, [i]));
        Assert.Equal(SampleOutcome.Overrun, r.Push(0, 1.0, [4f]));
        Assert.Equal(1, r.Counters.Overruns);
        Assert.Equal(0, r.AvailableFrames); // source 1 has said nothing yet
        for (int i = 0; i < 4; i++) r.Push(1, i * 0.2, [10f]);
        Assert.Equal([0f, 1f, 2f], Drain(r).Select(f => f.Frame[0]));
    }

    [Fact]
    public void SteadyStatePushAndReadAllocateNothing()
    {
        var policies = new BadSampleHandling { NonFinite = BadSamplePolicy.Interpolate, Gap = BadSamplePolicy.HoldLast, MaxGapSeconds = 0.05 };
        var r = new StreamResampler(100, [new StreamSource(3, 100), new StreamSource(3, 200)], policies, outputCapacity: 64);
        var rng = new TestRandom(5);
        var frame = new float[r.FrameSize];
        var values = new float[3];
        double ta = 0, tg = 0;
        int n = 0;
        long bytes = Allocations.Measure(() =>
        {
            n++;
            ta += n % 97 == 0 ? 0.08 : 0.01 + rng.Jitter(0.002); // an occasional gap
            values[0] = n % 13 == 0 ? float.NaN : n;
            values[1] = values[2] = 0.5f;
            r.Push(0, ta, values);
            r.Push(0, ta - 0.003, values); // out of order
            while (tg < ta)
            {
                tg += 0.005;
                r.Push(1, tg, values);
            }
            while (r.TryRead(frame, out _)) { }
        }, warmup: 1000, iterations: 20_000);
        Assert.Equal(0, bytes);
        Assert.True(r.Counters.Frames > 15_000);
        Assert.True(r.Counters.BadSamples(BadSampleReason.Gap) > 100);
        Assert.True(r.Counters.BadSamples(BadSampleReason.NonFinite) > 100);
    }

    [Fact]
    public void RestartsAndSkippedGapsAllocateNothing()
    {
        // Gaps alternately skipped (Drop) and restarting (ResetState via duplicates), on a decimated source.
        var policies = new BadSampleHandling { NonFinite = BadSamplePolicy.Drop, Duplicate = BadSamplePolicy.ResetState, Gap = BadSamplePolicy.Drop, MaxGapSeconds = 0.03 };
        var r = new StreamResampler(50, 2, 200, policies, outputCapacity: 32);
        var frame = new float[2];
        var values = new float[2];
        double t = 0;
        int n = 0;
        long bytes = Allocations.Measure(() =>
        {
            n++;
            t += n % 50 == 0 ? 0.1 : 0.005;
            values[0] = n % 17 == 0 ? float.NaN : n;
            r.Push(t, values);
            if (n % 120 == 0) r.Push(t, values); // duplicate: restart
            while (r.TryRead(frame, out _)) { }
        }, warmup: 1000, iterations: 20_000);
        Assert.Equal(0, bytes);
        Assert.True(r.Counters.Restarts > 100);
        Assert.True(r.Counters.SkippedFrames > 100);
        Assert.True(r.Counters.Frames > 3000);
    }
}
