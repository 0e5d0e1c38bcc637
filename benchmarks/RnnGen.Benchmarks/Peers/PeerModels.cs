using System.Runtime.InteropServices;
using RnnGen.Weights;

namespace RnnGen.Benchmarks.Peers;

/// <summary>
/// The twelve Step models every peer runs (LSTM/GRU(I→H) + Dense(H→1)), with the weights of <see cref="StepLatency"/>
/// (<see cref="Setup.Randomised"/>), and the files the peers read: <c>peers prepare DIR</c> writes, per model,
/// <c>DIR/&lt;model&gt;.safetensors</c> (PyTorch state_dict names), <c>DIR/&lt;model&gt;.in.f32</c> (<see cref="InputSteps"/>
/// steps × I float32), <c>DIR/&lt;model&gt;.rnngen.out.f32</c> (this side's outputs for the first <see cref="CheckSteps"/>
/// steps from a zero state) and <c>DIR/&lt;model&gt;.inference.out.f32</c> (the same from the inference copy of a model that
/// loaded that safetensors file, as <see cref="PeerTiming"/> makes it; <c>peers check DIR inference</c> compares the two).
/// Names are <see cref="Report"/>'s: <c>Lstm_1x8</c> … <c>Gru_16x128</c>.
/// </summary>
internal static class PeerModels
{
    public const int InputSteps = 1024, CheckSteps = 100;

    public static readonly string[] Names = ["Lstm_1x8", "Lstm_1x16", "Lstm_1x32", "Lstm_1x64", "Lstm_8x64", "Lstm_16x128",
        "Gru_1x8", "Gru_1x16", "Gru_1x32", "Gru_1x64", "Gru_8x64", "Gru_16x128"];

    public static IStepModel Create(string name) => name switch
    {
        "Lstm_1x8" => Setup.Randomised(new Lstm1x8()),
        "Lstm_1x16" => Setup.Randomised(new Lstm1x16()),
        "Lstm_1x32" => Setup.Randomised(new Lstm1x32()),
        "Lstm_1x64" => Setup.Randomised(new Lstm1x64()),
        "Lstm_8x64" => Setup.Randomised(new Lstm8x64()),
        "Lstm_16x128" => Setup.Randomised(new Lstm16x128()),
        "Gru_1x8" => Setup.Randomised(new Gru1x8()),
        "Gru_1x16" => Setup.Randomised(new Gru1x16()),
        "Gru_1x32" => Setup.Randomised(new Gru1x32()),
        "Gru_1x64" => Setup.Randomised(new Gru1x64()),
        "Gru_8x64" => Setup.Randomised(new Gru8x64()),
        "Gru_16x128" => Setup.Randomised(new Gru16x128()),
        _ => throw new ArgumentException($"unknown peer model '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>The model's inference copy (<c>ToInference()</c>): its weights and state as they are now.</summary>
    public static IStepInference ToInference(IStepModel model) => model switch
    {
        Lstm1x8 m => m.ToInference(),
        Lstm1x16 m => m.ToInference(),
        Lstm1x32 m => m.ToInference(),
        Lstm1x64 m => m.ToInference(),
        Lstm8x64 m => m.ToInference(),
        Lstm16x128 m => m.ToInference(),
        Gru1x8 m => m.ToInference(),
        Gru1x16 m => m.ToInference(),
        Gru1x32 m => m.ToInference(),
        Gru1x64 m => m.ToInference(),
        Gru8x64 m => m.ToInference(),
        Gru16x128 m => m.ToInference(),
        _ => throw new ArgumentException($"no inference copy for {model.GetType().Name}"),
    };

    /// <summary>The project's tolerance against an oracle, |got − want| ≤ 1e-5 + 1e-4·|want|, here with the peer as want.</summary>
    public static bool Close(float got, float want) => MathF.Abs(got - want) <= 1e-5f + 1e-4f * MathF.Abs(want);

    /// <summary>The inputs of a model's files: uniform in [−1, 1), seeded by the model's name so every run writes the same.</summary>
    public static float[] Inputs(string name, int inputSize)
    {
        var random = new Random(StableHash(name));
        var x = new float[InputSteps * inputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    public static void Prepare(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (string name in Names)
        {
            var model = Create(name);
            model.SaveWeights(Path.Combine(dir, name + ".safetensors"));
            float[] x = Inputs(name, model.InputSize);
            WriteFloats(Path.Combine(dir, name + ".in.f32"), x);
            model.ResetState();
            WriteFloats(Path.Combine(dir, name + ".rnngen.out.f32"), Outputs(model.Step, x, model.InputSize));
            var loaded = Create(name);
            loaded.LoadWeights(Path.Combine(dir, name + ".safetensors"));
            loaded.ResetState();
            var copy = ToInference(loaded);
            WriteFloats(Path.Combine(dir, $"{name}.{PeerTiming.Inference}.out.f32"), Outputs(copy.Step, x, model.InputSize));
        }
        Console.WriteLine($"wrote weights, inputs and RnnGen outputs (model and inference copy) of {Names.Length} models to {dir}");
    }

    private delegate void StepFunction(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>The outputs of the first <see cref="CheckSteps"/> steps of <paramref name="x"/>.</summary>
    private static float[] Outputs(StepFunction step, float[] x, int inputSize)
    {
        var y = new float[CheckSteps];
        for (int t = 0; t < CheckSteps; t++) step(x.AsSpan(t * inputSize, inputSize), y.AsSpan(t, 1));
        return y;
    }

    /// <summary>
    /// Compares each <c>DIR/&lt;model&gt;.&lt;backend&gt;.out.f32</c> (a peer's, or <c>inference</c>: this side's inference
    /// copy's) with this side's outputs; prints the largest difference per model and backend and returns false if any
    /// output is outside the tolerance or missing.
    /// </summary>
    public static bool Check(string dir, IReadOnlyList<string> backends)
    {
        bool ok = true;
        foreach (string name in Names)
        {
            float[] ours = ReadFloats(Path.Combine(dir, name + ".rnngen.out.f32"));
            var line = new List<string>();
            foreach (string backend in backends)
            {
                string path = Path.Combine(dir, $"{name}.{backend}.out.f32");
                if (!File.Exists(path)) { line.Add($"{backend} missing"); ok = false; continue; }
                float[] theirs = ReadFloats(path);
                bool equal = theirs.Length == ours.Length && ours.Zip(theirs).All(p => Close(p.First, p.Second));
                float worst = theirs.Length == ours.Length ? ours.Zip(theirs, (a, b) => MathF.Abs(a - b)).Max() : float.PositiveInfinity;
                line.Add($"{backend} max |diff| {worst:0.0e+00}{(equal ? "" : " OUTSIDE 1e-5 + 1e-4·|want|")}");
                ok &= equal;
            }
            Console.WriteLine($"{name,-12} {CheckSteps} steps from a zero state: {string.Join(", ", line)}");
        }
        return ok;
    }

    public static void WriteFloats(string path, ReadOnlySpan<float> values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values).ToArray());

    public static float[] ReadFloats(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    private static int StableHash(string text)
    {
        int hash = 17;
        foreach (char c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}
