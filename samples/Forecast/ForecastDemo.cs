using System.Diagnostics;
using RnnGen;
using RnnGen.Samples;
using RnnGen.Streaming;
using RnnGen.Training;

namespace ForecastSample;

/// <summary>
/// One step per day: [the day's sales relative to the window's mean level, sin and cos of the next day's weekday].
/// The calendar is known ahead, so giving the model the weekday it is predicting lets it learn the weekly pattern
/// instead of inferring the phase. The head reads the last step: the next day's sales on the same relative scale.
/// </summary>
/// <remarks>
/// Why scale by the window's level rather than by fixed training statistics: the series trends upwards and swells
/// yearly, so held-out days reach levels the training days never had, where a z-scored input would push the GRU's
/// gates towards saturation. Relative to its own window every stretch of the series looks alike (as in DeepAR).
/// </remarks>
[RecurrentModel(InputSize = 3, SequenceLength = 56)]
[Gru(24)]
[Dense(1, Activation.Linear, Over = Steps.Last)]
public partial class SalesForecaster { }

/// <summary>Settings of a run; the defaults are what the README command runs.</summary>
public sealed record ForecastOptions
{
    public ulong Seed { get; init; } = 11;
    public int Epochs { get; init; } = 40;
    public string OutputDirectory { get; init; } = AppContext.BaseDirectory;
}

/// <summary>Errors over every held-out forecast (all origins, all horizons), in sales units.</summary>
public sealed record ForecastReport(double ModelMae, double ModelRmse, double NaiveMae, double NaiveRmse, double SeasonalMae, double SeasonalRmse, string ChartPath, bool Passed);

/// <summary>
/// Trains <see cref="SalesForecaster"/> on windows of the first <see cref="TrainDays"/> days, then forecasts
/// <see cref="Horizon"/> days ahead from origins every week of the held-out days by feeding each prediction back as
/// the next input, and compares with the naive (last value) and seasonal-naive (same weekday last week) forecasts.
/// </summary>
public static class ForecastDemo
{
    public const int Days = 1000, TrainDays = 800, Horizon = 28;
    private const int T = SalesForecaster.SequenceLength, Channels = SalesForecaster.InputSize, Batch = 32;
    private const float Gain = 4f; // relative deviations are about ±0.25; this brings them to about unit scale

    /// <summary>
    /// The sample's command line: <c>--help</c>, the options below, one-line errors for bad arguments and unusable
    /// paths (exit code 2); otherwise runs <see cref="Run"/> and returns 0 if it beat both baselines, 1 if not.
    /// </summary>
    public static int RunCommandLine(string[] args, TextWriter output, TextWriter error)
    {
        var options = new ForecastOptions();
        var defaults = options;
        return new SampleCommandLine("Forecast",
                "Trains a GRU on sliding windows of a seasonal daily series, forecasts four weeks ahead by feeding its predictions\n" +
                "back, and compares with naive baselines; writes forecast.svg. Exit code 1 unless it beats both the naive and the\n" +
                "seasonal-naive forecast, 2 for unusable arguments.")
            .Option("--seed", "N", $"seed of the series and the initial weights (default {defaults.Seed})", v => options = options with { Seed = SampleCommandLine.UInt64("--seed", v) })
            .Option("--epochs", "N", $"training epochs (default {defaults.Epochs})", v => options = options with { Epochs = SampleCommandLine.Int32("--epochs", v, min: 1) })
            .Option("--out", "DIR", "where forecast.svg is written (default: the program's directory)", v => options = options with { OutputDirectory = v })
            .Run(args, output, error, () => Run(options, output).Passed ? 0 : 1);
    }

    public static ForecastReport Run(ForecastOptions options, TextWriter output)
    {
        string chart = Path.Combine(SampleCommandLine.OutputDirectory("--out", options.OutputDirectory), "forecast.svg");
        float[] sales = SalesSeries.Generate(Days, options.Seed);
        float[] rows = InputRows(sales);

        output.WriteLine($"Forecast: {Days} days of sales-like data (weekly pattern, yearly swell, trend, noise); GRU(24) on {T}-day windows, {SalesForecaster.ParameterCount} parameters");
        SalesForecaster model = Train(rows, options, output);

        var origins = new List<int>();
        for (int o = TrainDays; o + Horizon <= Days; o += 7) origins.Add(o);
        double modelAbs = 0, modelSq = 0, naiveAbs = 0, naiveSq = 0, seasonalAbs = 0, seasonalSq = 0;
        var byWeek = new double[Horizon / 7];
        var forecasts = new Dictionary<int, float[]>();
        var window = new SlidingWindow(T, stride: 1, Channels);
        var prediction = new float[1];
        foreach (int origin in origins)
        {
            float[] forecast = Forecast(model, window, rows, origin, prediction);
            forecasts[origin] = forecast;
            for (int h = 0; h < Horizon; h++)
            {
                double actual = sales[origin + h];
                double m = forecast[h] - actual, n = sales[origin - 1] - actual, s = sales[origin - 7 + h % 7] - actual;
                modelAbs += Math.Abs(m); modelSq += m * m;
                naiveAbs += Math.Abs(n); naiveSq += n * n;
                seasonalAbs += Math.Abs(s); seasonalSq += s * s;
                byWeek[h / 7] += Math.Abs(m);
            }
        }
        int count = origins.Count * Horizon;
        var report = new ForecastReport(
            modelAbs / count, Math.Sqrt(modelSq / count), naiveAbs / count, Math.Sqrt(naiveSq / count), seasonalAbs / count, Math.Sqrt(seasonalSq / count), "", false);

        output.WriteLine();
        output.WriteLine($"Held-out days {TrainDays}–{Days - 1}: {origins.Count} forecasts of {Horizon} days (origins every 7 days), each day's prediction fed back as the next input");
        output.WriteLine("  forecast                          MAE     RMSE");
        output.WriteLine($"  GRU (multi-step)               {report.ModelMae,6:0.00}  {report.ModelRmse,7:0.00}");
        output.WriteLine($"  naive: last observed value     {report.NaiveMae,6:0.00}  {report.NaiveRmse,7:0.00}");
        output.WriteLine($"  seasonal naive: last week      {report.SeasonalMae,6:0.00}  {report.SeasonalRmse,7:0.00}");
        output.WriteLine($"  GRU MAE by horizon: {string.Join(", ", byWeek.Select((e, w) => $"days {w * 7 + 1}–{w * 7 + 7} {e / (origins.Count * 7):0.00}"))}");
        output.WriteLine($"  (noise alone gives MAE ≈ {6 * Math.Sqrt(2 / Math.PI):0.00}; the mean daily sales are {sales.Skip(TrainDays).Average():0})");

        File.WriteAllText(chart, Chart(sales, forecasts, report));
        output.WriteLine();
        output.WriteLine($"Chart of actual vs predicted: {chart}");

        bool beatsNaive = report.ModelMae < report.NaiveMae && report.ModelRmse < report.NaiveRmse;
        bool beatsSeasonal = report.ModelMae < report.SeasonalMae;
        output.WriteLine($"The GRU {(beatsNaive ? "beats" : "DOES NOT beat")} the naive last-value forecast (MAE {(1 - report.ModelMae / report.NaiveMae):P0} lower) and {(beatsSeasonal ? "beats" : "does not beat")} the seasonal naive one ({(1 - report.ModelMae / report.SeasonalMae):P0}).");
        output.WriteLine(beatsNaive && beatsSeasonal ? "PASS" : "FAIL (the GRU must beat both baselines)");
        return report with { ChartPath = chart, Passed = beatsNaive && beatsSeasonal };
    }

    /// <summary>Row d = [sales of day d, sin, cos of weekday d + 1]; the sales are scaled per window by <see cref="ToRelative"/>.</summary>
    private static float[] InputRows(float[] sales)
    {
        var rows = new float[sales.Length * Channels];
        for (int d = 0; d < sales.Length; d++)
        {
            rows[d * Channels] = sales[d];
            Calendar(d + 1, rows.AsSpan(d * Channels + 1, 2));
        }
        return rows;
    }

    /// <summary>Rewrites a window's sales in place as Gain·(x / level − 1), level = the window's mean sales, and returns the level.</summary>
    private static float ToRelative(Span<float> window)
    {
        float level = 0;
        for (int j = 0; j < T; j++) level += window[j * Channels];
        level /= T;
        for (int j = 0; j < T; j++) window[j * Channels] = Gain * (window[j * Channels] / level - 1);
        return level;
    }

    private static void Calendar(int day, Span<float> into)
    {
        double angle = 2 * Math.PI * (day % 7) / 7;
        into[0] = (float)Math.Sin(angle);
        into[1] = (float)Math.Cos(angle);
    }

    private static SalesForecaster Train(float[] rows, ForecastOptions options, TextWriter output)
    {
        // Window starting at day p covers days p … p + T − 1; its target is day p + T's normalised sales.
        var targets = new float[TrainDays - T];
        for (int p = 0; p < targets.Length; p++) targets[p] = rows[(p + T) * Channels];   // raw; scaled with its window below
        var dataset = new TimeseriesDataset(rows.AsMemory(0, TrainDays * Channels), Channels, T, targets, targetSize: 1, batchSize: Batch, shuffle: true, seed: (int)options.Seed);

        var model = new SalesForecaster();
        Initializer.Apply(model, InitScheme.PyTorchDefault, options.Seed);
        var adam = new Adam(SalesForecaster.ParameterCount, learningRate: 0.005f);
        var trainer = new Trainer(model, adam, new TrainerOptions { Loss = TrainingLoss.MeanSquaredError, ClipNorm = 1f });
        output.WriteLine($"Training on days 0–{TrainDays - 1}: {dataset.WindowCount} windows (TimeseriesDataset), batches of {Batch}, MSE, Adam, {options.Epochs} epochs");

        var inputs = new float[Batch * dataset.WindowSize];
        var batchTargets = new float[Batch];
        var watch = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (epoch == options.Epochs * 3 / 4 + 1) adam.LearningRate *= 0.2f;
            dataset.Shuffle((int)options.Seed + epoch);
            double loss = 0;
            for (int b = 0; b < dataset.BatchCount; b++)
            {
                int n = dataset.GetBatch(b, inputs, batchTargets);
                for (int i = 0; i < n; i++)
                {
                    Span<float> window = inputs.AsSpan(i * dataset.WindowSize, dataset.WindowSize);
                    float level = ToRelative(window);
                    batchTargets[i] = Gain * (batchTargets[i] / level - 1);
                    trainer.Forward(window);
                    trainer.Accumulate(batchTargets.AsSpan(i, 1));
                }
                loss += trainer.Apply().Loss;
            }
            if (epoch == 1 || epoch % 5 == 0)
                output.WriteLine($"  epoch {epoch,3}  MSE (relative scale) {loss / dataset.BatchCount:0.0000}  ({watch.Elapsed.TotalSeconds:0.0} s)");
        }
        return model;
    }

    /// <summary>
    /// Forecasts days origin … origin + Horizon − 1 from the actual days before origin: each prediction becomes the
    /// newest row of the window for the next one. Every prediction reads exactly T days from a zero state, as in training.
    /// </summary>
    private static float[] Forecast(SalesForecaster model, SlidingWindow window, float[] rows, int origin, float[] prediction)
    {
        window.Clear();
        for (int d = origin - T; d < origin; d++) window.Push(rows.AsSpan(d * Channels, Channels));
        var forecast = new float[Horizon];
        Span<float> next = stackalloc float[Channels];
        Span<float> scaled = stackalloc float[T * Channels];
        for (int h = 0; h < Horizon; h++)
        {
            window.Window.CopyTo(scaled);
            float level = ToRelative(scaled);
            model.ResetState();
            model.Forward(scaled, prediction);
            forecast[h] = level * (1 + prediction[0] / Gain);
            next[0] = forecast[h];
            Calendar(origin + h + 1, next[1..]);
            window.Push(next);
        }
        return forecast;
    }

    private static string Chart(float[] sales, Dictionary<int, float[]> forecasts, ForecastReport report)
    {
        var chart = new SvgChart(
            $"Held-out sales and {Horizon}-day GRU forecasts (MAE {report.ModelMae:0.0} vs naive {report.NaiveMae:0.0}, seasonal naive {report.SeasonalMae:0.0})",
            "day", "sales");
        int from = TrainDays - 28;
        chart.Add("actual", "#222222", false, Enumerable.Range(from, Days - from).Select(d => ((double)d, (double)sales[d])));
        // Every fourth origin, so the drawn forecasts tile the held-out days without overlapping.
        foreach (var (origin, forecast) in forecasts.Where(f => (f.Key - TrainDays) % Horizon == 0))
        {
            chart.Marker(origin - 0.5);
            chart.Add("GRU forecast", "#e66100", false, forecast.Select((y, h) => ((double)(origin + h), (double)y)));
            chart.Add("seasonal naive", "#5d9bd6", true, Enumerable.Range(0, Horizon).Select(h => ((double)(origin + h), (double)sales[origin - 7 + h % 7])));
            chart.Add("naive (last value)", "#999999", true, [(origin, sales[origin - 1]), (origin + Horizon - 1, sales[origin - 1])]);
        }
        return chart.Render();
    }
}
