using AnomalyDetectionSample;

// Trains a GRU to forecast a healthy temperature sensor from the machine's load, sets an alarm threshold from its
// residuals on healthy data, and reports which injected sensor faults the residual catches and any false alarms.
// Exit code 1 unless every fault is caught with at most one false alarm.
AnomalyReport report = AnomalyDemo.Run(AnomalyOptions.Parse(args), Console.Out);
return report.Passed ? 0 : 1;
