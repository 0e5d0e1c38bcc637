using GestureStreamSample;

// Trains a gesture classifier on a simulated wrist IMU, saves it with its normaliser, reloads both, and streams a
// held-out recording with jitter, dropouts and bad samples through the real-time runtime. Exit code 1 if the
// held-out accuracy or the false-event count misses its threshold. Options: see GestureOptions.Parse.
GestureReport report = GestureDemo.Run(GestureOptions.Parse(args), Console.Out);
return report.Passed ? 0 : 1;
