using AnomalyDetectionSample;

// Trains a GRU to forecast a healthy temperature sensor from the machine's load, sets an alarm threshold from its
// residuals on healthy data, and reports which injected sensor faults the residual catches. Options: --help.
return AnomalyDemo.RunCommandLine(args, Console.Out, Console.Error);
