using System.Text.Json;
using RnnGen.Samples;
using RnnGen.Weights;
using WaveformClassifierSample;

// Loads weights trained in PyTorch, classifies three test signals with Forward, compares with the
// probabilities PyTorch computed for the same signals, then streams one signal sample by sample with Step.
return new SampleCommandLine("WaveformClassifier",
        "Loads an LSTM classifier trained in PyTorch (waveform.safetensors beside the program), classifies three signals\n" +
        "and compares with PyTorch's probabilities, then streams a signal one sample at a time.\n" +
        "It takes no options. Exit code 1 if it differs from PyTorch by more than 1e-5, 2 if its files cannot be read.")
    .Run(args, Console.Out, Console.Error, Demo);

static int Demo()
{
    string directory = AppContext.BaseDirectory;
    var model = new WaveformClassifier();
    model.LoadWeights(Path.Combine(directory, "waveform.safetensors"));

    using var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "pytorch_outputs.json")));
    string[] classes = reference.RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
    Console.WriteLine($"WaveformClassifier: LSTM(1 -> 16) + Dense(3, softmax), {WaveformClassifier.ParameterCount} parameters from waveform.safetensors");
    Console.WriteLine();
    Console.WriteLine("signal      predicted   probabilities (RnnGen)          probabilities (PyTorch)         max |diff|");

    var signal = new float[WaveformClassifier.SequenceLength];
    var probabilities = new float[WaveformClassifier.OutputSize];
    double worst = 0;
    foreach (var test in reference.RootElement.GetProperty("cases").EnumerateArray())
    {
        Waveform(test.GetProperty("kind").GetInt32(), test.GetProperty("period").GetSingle(), test.GetProperty("phase").GetSingle(), signal);
        model.ResetState();
        model.Forward(signal, probabilities);
        double[] expected = test.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        double difference = probabilities.Select((p, i) => Math.Abs(p - expected[i])).Max();
        worst = Math.Max(worst, difference);
        Console.WriteLine($"{test.GetProperty("label").GetString(),-11} {classes[ArgMax(probabilities)],-11} {Format(probabilities),-31} {Format(expected),-31} {difference:0.0e+00}");
    }

    Console.WriteLine();
    Console.WriteLine("Streaming a square wave one sample at a time with Step (the prediction settles as evidence accumulates):");
    Waveform(kind: 1, period: 9f, phase: 0.6f, signal);
    model.ResetState();
    for (int t = 0; t < signal.Length; t++)
    {
        model.Step(signal.AsSpan(t, 1), probabilities);
        if ((t + 1) % 8 == 0)
            Console.WriteLine($"  after {t + 1,2} samples: {classes[ArgMax(probabilities)],-9} {Format(probabilities)}");
    }

    Console.WriteLine();
    bool agrees = worst <= 1e-5;
    Console.WriteLine(agrees ? $"RnnGen matches PyTorch (largest difference {worst:0.0e+00})." : $"MISMATCH: largest difference {worst:0.0e+00} exceeds 1e-5.");
    return agrees ? 0 : 1;
}

// The same signal as train_export.py's waveform() without noise: sine, square or sawtooth of the given period and phase.
static void Waveform(int kind, float period, float phase, Span<float> into)
{
    for (int t = 0; t < into.Length; t++)
    {
        float x = (t / period + phase) % 1f;
        into[t] = kind switch
        {
            0 => MathF.Sin(2 * MathF.PI * x),
            1 => x < 0.5f ? 1f : -1f,
            _ => 2 * x - 1,
        };
    }
}

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
    return best;
}

static string Format<T>(IEnumerable<T> values) where T : IFormattable => "[" + string.Join(", ", values.Select(v => v.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture))) + "]";
