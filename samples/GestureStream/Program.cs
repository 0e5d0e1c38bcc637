using GestureStreamSample;

// Trains a gesture classifier on a simulated wrist IMU, saves it with its normaliser, reloads both, and streams a
// held-out recording with jitter, dropouts and bad samples through the real-time runtime. Options: --help.
return GestureDemo.RunCommandLine(args, Console.Out, Console.Error);
