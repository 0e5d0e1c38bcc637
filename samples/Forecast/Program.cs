using ForecastSample;

// Trains a GRU on sliding windows of a seasonal daily series, forecasts four weeks ahead by feeding its predictions
// back, and compares with naive baselines; writes forecast.svg. Options: --help.
return ForecastDemo.RunCommandLine(args, Console.Out, Console.Error);
