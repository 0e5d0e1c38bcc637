using ForecastSample;

// Trains a GRU on sliding windows of a seasonal daily series, forecasts four weeks ahead by feeding its predictions
// back, and compares with naive baselines; writes forecast.svg. Exit code 1 unless it beats both the naive and the seasonal-naive forecast.
ForecastReport report = ForecastDemo.Run(ForecastOptions.Parse(args), Console.Out);
return report.Passed ? 0 : 1;
