using System.Runtime.CompilerServices;
using RnnGen.Training;

namespace GestureStreamSample;

/// <summary>The six readings of one IMU sample, inline (no array), so a sample is an unmanaged struct for the ring buffer.</summary>
[InlineArray(ImuSimulator.Channels)]
public struct ImuValues
{
    private float _element0;
}

/// <summary>One IMU sample as the sensor thread delivers it.</summary>
public struct ImuSample
{
    public double Time;
    public ImuValues Values;
}

/// <summary>What a <see cref="SensorLink"/> did to the stream, to compare with what the resampler counted.</summary>
public sealed class LinkFaults
{
    public int Samples, NonFinite, Duplicates, Late, ShortDropouts, LongDropouts;
}

/// <summary>
/// The imperfect link between the IMU and the host: it samples an <see cref="ImuSimulator"/> nominally at 100 Hz and
/// delivers the samples with the faults a real Bluetooth or serial link shows.
/// <list type="bullet">
/// <item>Jitter: each sample is taken up to ±3 ms off its nominal instant (and time-stamped with the true instant).</item>
/// <item>Short dropouts: 1 % of the time, 2–8 samples are lost (20–80 ms), shorter than the resampler's gap limit, so bridged.</item>
/// <item>Long dropouts: 0.05 % of the time, 0.4–0.6 s is lost, longer than the gap limit, so the stream restarts.</item>
/// <item>Non-finite readings: 0.5 % of samples carry NaN in one channel.</item>
/// <item>Duplicates: 0.2 % of samples are sent twice.</item>
/// <item>Late samples: 0.2 % of samples arrive after their successor.</item>
/// </list>
/// </summary>
public static class SensorLink
{
    public const double RateHz = 100;

    /// <summary>The samples in the order the host receives them.</summary>
    public static IEnumerable<ImuSample> Deliver(ImuSimulator imu, ulong seed, LinkFaults faults)
    {
        var random = new SeededRandom(seed);
        long count = (long)(imu.Seconds * RateHz);
        ImuSample? held = null;
        for (long k = 0; k < count; k++)
        {
            double chance = random.NextDouble();
            if (chance < 0.0005)
            {
                faults.LongDropouts++;
                k += 40 + (long)(random.NextDouble() * 20);
                continue;
            }
            if (chance < 0.0105)
            {
                faults.ShortDropouts++;
                k += 1 + (long)(random.NextDouble() * 7);
                continue;
            }

            var sample = new ImuSample { Time = k / RateHz + (random.NextDouble() * 2 - 1) * 0.003 };
            imu.Sample(sample.Time, sample.Values);
            faults.Samples++;
            double fault = random.NextDouble();
            if (fault < 0.005)
            {
                sample.Values[(int)(random.NextDouble() * ImuSimulator.Channels)] = float.NaN;
                faults.NonFinite++;
            }
            else if (fault < 0.007)
            {
                faults.Duplicates++;
                yield return sample;
            }
            else if (fault < 0.009 && held is null)
            {
                faults.Late++;
                held = sample;
                continue;
            }

            yield return sample;
            if (held is { } late)
            {
                held = null;
                yield return late;
            }
        }
    }
}
