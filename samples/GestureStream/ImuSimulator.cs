using RnnGen.Training;

namespace GestureStreamSample;

/// <summary>The classes the model tells apart; <see cref="Idle"/> is everything that is not a gesture (rest and fidgeting).</summary>
public enum Gesture
{
    Idle = 0,
    Shake = 1,
    Circle = 2,
    DoubleTap = 3,
    Twist = 4,
}

/// <summary>One gesture in a simulated recording: what, when, and how this performance differs from the template.</summary>
/// <param name="Kind">The gesture (never <see cref="Gesture.Idle"/>).</param>
/// <param name="Start">Start time in seconds.</param>
/// <param name="Duration">Duration in seconds.</param>
/// <param name="Amplitude">Scale of the template, 0.8–1.2.</param>
/// <param name="Sign">Direction (±1) of a twist and of a shake's first swing.</param>
public readonly record struct GestureInstance(Gesture Kind, double Start, double Duration, double Amplitude, double Sign)
{
    public double End => Start + Duration;
}

/// <summary>
/// A simulated wrist-worn 6-axis IMU: accelerometer (ax, ay, az) in g and gyroscope (gx, gy, gz) in rad/s, with
/// x along the forearm, z up out of the back of the hand. The signal is a continuous function of time, so a sensor
/// sample can be taken at any (jittered) instant.
/// </summary>
/// <remarks>
/// At rest the accelerometer reads gravity, (0, 0, 1) g, tilted by a slow wander of ±0.08 g, and the gyroscope 0.
/// Every reading carries white noise (σ 0.03 g and 0.05 rad/s). Between gestures the wearer rests 0.8–2 s and, in
/// 40 % of the pauses, fidgets: a 0.5–1 s smooth sway of ±0.35 g on x or y with a ±0.8 rad/s wobble about z, which the
/// model must learn to ignore. The gestures, with u = (t − start)/duration in [0, 1], amplitude A and direction s:
/// <list type="table">
/// <item><term>Shake, 0.6 s</term><description>Side to side about 5 Hz: ax += 1.6·A·s·sin(6πu)·hann(u), gz += 2·A·s·cos(6πu)·hann(u).</description></item>
/// <item><term>Circle, 1 s</term><description>A vertical circle drawn with the hand: ay += 0.7·A·sin(2πu), az += 0.7·A·(cos 2πu − 1), gx += 2.5·A·sin(πu).</description></item>
/// <item><term>DoubleTap, 0.4 s</term><description>Two knocks at u = 0.2 and 0.7: az −= 2·A·(p(u − 0.2) + p(u − 0.7)), gy += 1.2·A·(q(u − 0.2) + q(u − 0.7)), p and q Gaussian pulses of σ = 0.04 and 0.06 (in u).</description></item>
/// <item><term>Twist, 0.5 s</term><description>Turn the wrist and back: gx += 6·A·s·sin(2πu), ay += 0.25·A·s·(1 − cos 2πu) as gravity rotates into y.</description></item>
/// </list>
/// Each performance scales its template's duration by 0.85–1.15 and amplitude by 0.8–1.2.
/// </remarks>
public sealed class ImuSimulator
{
    public const int Channels = 6;

    private readonly List<GestureInstance> _gestures = [];
    private readonly List<(double Start, double Duration, int Axis, double Amplitude)> _fidgets = [];
    private readonly double _wanderPhaseX, _wanderPhaseY;
    private readonly SeededRandom _noise;

    /// <summary>Lays out a recording of <paramref name="seconds"/> seconds: pauses, fidgets and gestures, drawn from <paramref name="seed"/>.</summary>
    public ImuSimulator(ulong seed, double seconds)
    {
        var random = new SeededRandom(seed);
        _noise = new SeededRandom(seed ^ 0x5EED);
        _wanderPhaseX = random.NextDouble() * 2 * Math.PI;
        _wanderPhaseY = random.NextDouble() * 2 * Math.PI;
        double t = 0.5;
        while (true)
        {
            double pause = 0.8 + 1.2 * random.NextDouble();
            if (random.NextDouble() < 0.4)
            {
                double length = 0.5 + 0.5 * random.NextDouble();
                double at = t + (pause - length) * random.NextDouble();
                if (at > t) _fidgets.Add((at, length, random.NextDouble() < 0.5 ? 0 : 1, 0.35 * (random.NextDouble() < 0.5 ? -1 : 1)));
            }
            t += pause;
            var kind = (Gesture)(1 + (int)(random.NextDouble() * 4));
            double duration = TemplateDuration(kind) * (0.85 + 0.3 * random.NextDouble());
            if (t + duration + 0.5 > seconds) break;
            _gestures.Add(new GestureInstance(kind, t, duration, 0.8 + 0.4 * random.NextDouble(), random.NextDouble() < 0.5 ? -1 : 1));
            t += duration;
        }
        Seconds = seconds;
    }

    /// <summary>Length of the recording in seconds.</summary>
    public double Seconds { get; }

    /// <summary>The gestures performed, in time order: the ground truth.</summary>
    public IReadOnlyList<GestureInstance> Gestures => _gestures;

    public static double TemplateDuration(Gesture kind) => kind switch
    {
        Gesture.Shake => 0.6,
        Gesture.Circle => 1.0,
        Gesture.DoubleTap => 0.4,
        _ => 0.5,
    };

    /// <summary>Reads the sensor at time <paramref name="t"/>: the noiseless signal plus fresh sensor noise.</summary>
    public void Sample(double t, Span<float> reading)
    {
        Span<double> x = stackalloc double[Channels];
        x[0] = 0.08 * Math.Sin(2 * Math.PI * 0.05 * t + _wanderPhaseX);
        x[1] = 0.08 * Math.Sin(2 * Math.PI * 0.031 * t + _wanderPhaseY);
        x[2] = 1.0;
        foreach (var (start, duration, axis, amplitude) in _fidgets)
        {
            if (t < start || t > start + duration) continue;
            double u = (t - start) / duration;
            x[axis] += amplitude * Math.Sin(Math.PI * u);
            x[5] += 0.8 * Math.Sign(amplitude) * Math.Sin(2 * Math.PI * u);
        }
        foreach (GestureInstance g in _gestures)
        {
            if (t < g.Start || t > g.End) continue;
            AddGesture(g, (t - g.Start) / g.Duration, x);
        }
        for (int c = 0; c < Channels; c++)
            reading[c] = (float)(x[c] + (c < 3 ? 0.03 : 0.05) * _noise.NextNormal());
    }

    /// <summary>The class a per-step classifier should output at time <paramref name="t"/>: a gesture from halfway through it until 0.15 s after it ends, otherwise idle.</summary>
    /// <remarks>Labelling only the second half asks the model to be sure before it commits, instead of guessing from the first swing.</remarks>
    public Gesture Label(double t)
    {
        foreach (GestureInstance g in _gestures)
            if (t >= g.Start + 0.5 * g.Duration && t <= g.End + 0.15) return g.Kind;
        return Gesture.Idle;
    }

    private static void AddGesture(GestureInstance g, double u, Span<double> x)
    {
        double a = g.Amplitude, s = g.Sign;
        switch (g.Kind)
        {
            case Gesture.Shake:
                double hann = 0.5 - 0.5 * Math.Cos(2 * Math.PI * u);
                x[0] += 1.6 * a * s * Math.Sin(6 * Math.PI * u) * hann;
                x[5] += 2.0 * a * s * Math.Cos(6 * Math.PI * u) * hann;
                break;
            case Gesture.Circle:
                x[1] += 0.7 * a * Math.Sin(2 * Math.PI * u);
                x[2] += 0.7 * a * (Math.Cos(2 * Math.PI * u) - 1);
                x[3] += 2.5 * a * Math.Sin(Math.PI * u);
                break;
            case Gesture.DoubleTap:
                x[2] -= 2.0 * a * (Pulse(u - 0.2, 0.04) + Pulse(u - 0.7, 0.04));
                x[4] += 1.2 * a * (Pulse(u - 0.2, 0.06) + Pulse(u - 0.7, 0.06));
                break;
            case Gesture.Twist:
                x[3] += 6.0 * a * s * Math.Sin(2 * Math.PI * u);
                x[1] += 0.25 * a * s * (1 - Math.Cos(2 * Math.PI * u));
                break;
        }
    }

    private static double Pulse(double d, double sigma) => Math.Exp(-0.5 * d * d / (sigma * sigma));
}
