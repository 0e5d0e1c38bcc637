using RnnGen.Training;

namespace AnomalyDetectionSample;

/// <summary>The kinds of sensor fault injected into the test stream.</summary>
public enum FaultKind
{
    /// <summary>One reading jumps by a few degrees (electrical interference).</summary>
    Spike,
    /// <summary>The reading freezes at its last value (a hung ADC or a stale bus value).</summary>
    StuckAt,
    /// <summary>An offset grows linearly (a degrading thermocouple junction), until the sensor is replaced.</summary>
    Drift,
    /// <summary>The reading becomes very noisy (a loose connector).</summary>
    NoiseBurst,
    /// <summary>The reading drops to 0 °C (a disconnected input reads as zero).</summary>
    Dropout,
}

/// <summary>One injected fault: its kind, its span in seconds and its size (°C: spike height, final drift, noise σ).</summary>
public readonly record struct Fault(FaultKind Kind, double Start, double End, double Size);

/// <summary>
/// A motor whose bearing temperature is measured once per second. The machine's inputs are known to the controller:
/// the commanded load L ∈ [0.1, 1] (held for 30–120 s, then ramped over 10 s to a new random level) and the ambient
/// temperature A = 22 + 3·sin(2π·t / 2 h) °C. The bearing follows a first-order thermal lag,
/// <c>τ·dT/dt = A + 35·L − T</c> with τ = 30 s, so it takes a few minutes to settle after a load change, and the sensor
/// reads T plus white noise (σ 0.15 °C). A model must integrate the load history to know what the sensor should read.
/// </summary>
public sealed class MachineSimulator
{
    public const double Tau = 30, Gain = 35, NoiseSigma = 0.15;

    /// <summary>Simulates <paramref name="seconds"/> one-second samples of load, ambient and the true bearing temperature.</summary>
    public MachineSimulator(ulong seed, int seconds)
    {
        var random = new SeededRandom(seed);
        Load = new float[seconds];
        Ambient = new float[seconds];
        Truth = new float[seconds];
        Reading = new float[seconds];
        double from = 0.5, to = 0.5;
        int rampStart = 0, nextChange = 60;
        double ambientPhase = random.NextDouble() * 2 * Math.PI;
        double temperature = 22 + 3 * Math.Sin(ambientPhase) + Gain * from;
        for (int t = 0; t < seconds; t++)
        {
            if (t == nextChange)
            {
                from = to;
                to = 0.1 + 0.9 * random.NextDouble();
                rampStart = t;
                nextChange = t + 30 + (int)(90 * random.NextDouble());
            }
            double load = from + (to - from) * Math.Clamp((t - rampStart) / 10.0, 0, 1);
            double ambient = 22 + 3 * Math.Sin(2 * Math.PI * t / 7200 + ambientPhase);
            temperature += (ambient + Gain * load - temperature) / Tau;
            Load[t] = (float)load;
            Ambient[t] = (float)ambient;
            Truth[t] = (float)temperature;
            Reading[t] = (float)(temperature + NoiseSigma * random.NextNormal());
        }
    }

    public float[] Load { get; }
    public float[] Ambient { get; }
    public float[] Truth { get; }
    /// <summary>What a healthy sensor reads; <see cref="InjectFaults"/> corrupts it.</summary>
    public float[] Reading { get; }

    /// <summary>The faults of the test stream, spread over its second half-hour onwards, each one well apart from the next.</summary>
    public static IReadOnlyList<Fault> TestFaults(int seconds)
    {
        double u = seconds / 7200.0; // the schedule is laid out for two hours and scales with the stream
        return
        [
            new Fault(FaultKind.Spike, 900 * u, 900 * u, 4.0),
            new Fault(FaultKind.StuckAt, 1800 * u, 1800 * u + 240, 0),
            new Fault(FaultKind.Drift, 3000 * u, 3000 * u + 600, 3.0),
            new Fault(FaultKind.NoiseBurst, 4300 * u, 4300 * u + 60, 1.0),
            new Fault(FaultKind.Dropout, 5200 * u, 5200 * u + 20, 0),
            new Fault(FaultKind.Spike, 6300 * u, 6300 * u, -2.5),
        ];
    }

    /// <summary>Applies <paramref name="faults"/> to <see cref="Reading"/>.</summary>
    public void InjectFaults(IReadOnlyList<Fault> faults, ulong seed)
    {
        var random = new SeededRandom(seed);
        foreach (Fault f in faults)
        {
            int start = (int)f.Start, end = (int)f.End;
            float frozen = Reading[Math.Max(0, start - 1)];
            for (int t = start; t <= end && t < Reading.Length; t++)
            {
                Reading[t] = f.Kind switch
                {
                    FaultKind.Spike => Reading[t] + (float)f.Size,
                    FaultKind.StuckAt => frozen,
                    FaultKind.Drift => Reading[t] + (float)(f.Size * (t - start) / Math.Max(1, end - start)),
                    FaultKind.NoiseBurst => Reading[t] + (float)(f.Size * random.NextNormal()),
                    _ => 0f,
                };
            }
        }
    }
}
