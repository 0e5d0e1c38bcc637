using RnnGen.Training;

namespace ForecastSample;

/// <summary>
/// Daily sales-like data: a rising level, a weekly pattern, a yearly swell and noise.
/// <c>y(d) = (100 + 0.05·d) · weekly[d mod 7] · (1 + 0.15·sin(2π·d/365.25 + φ)) + ε</c>, ε ~ N(0, 6²), where day 0 is a
/// Monday and <c>weekly</c> = Mon 0.85, Tue 0.90, Wed 0.95, Thu 1.00, Fri 1.15, Sat 1.40, Sun 1.20 (a shop busiest at
/// the weekend). The noise is about 5 % of a typical day, so no forecast can be exact, and the weekly swing (±25 %)
/// is what a naive "same as yesterday" forecast gets most wrong.
/// </summary>
public static class SalesSeries
{
    private static readonly double[] Weekly = [0.85, 0.90, 0.95, 1.00, 1.15, 1.40, 1.20];

    public static float[] Generate(int days, ulong seed)
    {
        var random = new SeededRandom(seed);
        double phase = random.NextDouble() * 2 * Math.PI;
        var y = new float[days];
        for (int d = 0; d < days; d++)
        {
            double level = 100 + 0.05 * d;
            double yearly = 1 + 0.15 * Math.Sin(2 * Math.PI * d / 365.25 + phase);
            y[d] = (float)(level * Weekly[d % 7] * yearly + 6 * random.NextNormal());
        }
        return y;
    }
}
