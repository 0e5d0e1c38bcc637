using System.Diagnostics;
using RnnGen.Streaming;

namespace AnomalyDetectionSample;

/// <summary>
/// The "many sensors" mode (<c>--machines N</c>): N simulated machines, every fourth with the test's injected faults, the
/// others healthy, streamed second by second through one <see cref="TemperatureForecaster.Batch"/> that shares the trained
/// forecaster's weights: one batched Step forecasts every sensor, and each keeps its own smoother and detector (all
/// allocated once). The alarm threshold is the one calibrated on the training machine, so a machine whose load pattern
/// differs may miss a marginal fault: passes when at least 90% of the faults are caught with at most
/// <see cref="AnomalyOptions.MaxFalseAlarms"/> false alarms per machine on average, and lists every miss.
/// </summary>
public static class ManySensors
{
    public static bool Run(AnomalyOptions options, TemperatureForecaster model, ZScoreNormalizer inputNorm, ZScoreNormalizer targetNorm,
        double sigma, float threshold, int warmUpSeconds, double grace, float alpha, TextWriter output)
    {
        int n = options.Machines, seconds = options.TestSeconds;
        var faults = MachineSimulator.TestFaults(seconds);
        var machines = new MachineSimulator[n];
        for (int m = 0; m < n; m++)
        {
            machines[m] = new MachineSimulator(options.Seed + 1000 + (ulong)m, seconds);
            if (m % 4 == 0) machines[m].InjectFaults(faults, options.Seed + 2000 + (ulong)m);
        }
        using var batch = new TemperatureForecaster.Batch(model, n) { Threads = options.Threads };
        for (int m = 0; m < n; m++) batch.Add();
        var smoothers = Enumerable.Range(0, n).Select(_ => new EmaSmoother(1, alpha)).ToArray();
        var detectors = Enumerable.Range(0, n).Select(_ => new EventDetector(outputIndex: 0, enterThreshold: threshold, exitThreshold: 0.7f * threshold, minDurationSteps: 1, refractorySteps: 10)).ToArray();
        var alarms = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var inputs = new float[2 * n];
        var forecasts = new float[n];
        var score = new float[1];
        var stepTimes = new double[seconds];
        for (int t = 0; t < seconds; t++)
        {
            for (int m = 0; m < n; m++)
            {
                inputs[2 * m] = machines[m].Load[t];
                inputs[2 * m + 1] = machines[m].Ambient[t];
                inputNorm.Normalize(inputs.AsSpan(2 * m, 2));
            }
            long start = Stopwatch.GetTimestamp();
            batch.Step(inputs, forecasts);
            stepTimes[t] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            if (t < warmUpSeconds) continue;
            for (int m = 0; m < n; m++)
            {
                float residual = machines[m].Reading[t] - (forecasts[m] * targetNorm.Std[0] + targetNorm.Mean[0]);
                score[0] = (float)(Math.Abs(residual) / sigma);
                if (detectors[m].Update(smoothers[m].Update(score)[0])) alarms[m].Add(t);
            }
        }

        int faulty = 0, caught = 0, injected = 0, falseAlarms = 0;
        for (int m = 0; m < n; m++)
        {
            bool hasFaults = m % 4 == 0;
            if (hasFaults) faulty++;
            foreach (int time in alarms[m])
                if (!hasFaults || !faults.Any(f => time >= f.Start && time <= f.End + grace)) falseAlarms++;
            if (!hasFaults) continue;
            foreach (Fault f in faults)
            {
                injected++;
                if (alarms[m].Any(time => time >= f.Start && time <= f.End + grace)) caught++;
                else output.WriteLine($"  machine {m}: {f.Kind} at {f.Start:0} s missed");
            }
        }
        Array.Sort(stepTimes);
        double p50 = stepTimes[seconds / 2], p99 = stepTimes[(int)(seconds * 0.99)];
        bool passed = caught >= 0.9 * injected && falseAlarms <= options.MaxFalseAlarms * n;
        output.WriteLine();
        output.WriteLine($"Many sensors: {n} machines ({faulty} with the {faults.Count} faults, the others healthy) through one TemperatureForecaster.Batch ({batch.Path}, {options.Threads} thread(s))");
        output.WriteLine($"  one batched Step per second for all {n} sensors: p50 {p50:0.0} µs ({1000 * p50 / n:0} ns per sensor), p99 {p99:0.0} µs");
        output.WriteLine($"  caught {caught} of {injected} faults on the faulty machines (≥ 90% needed); {falseAlarms} false alarm(s) on {n} machines in {(seconds - warmUpSeconds) / 60.0:0} minutes each (≤ {options.MaxFalseAlarms * n} allowed): {(passed ? "pass" : "FAIL")}");
        return passed;
    }
}
