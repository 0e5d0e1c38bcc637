using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using RnnGen.Weights;

namespace RnnGen.Benchmarks;

/// <summary>
/// The same-run peers of the batched Step at batch 256: ONNX Runtime (Microsoft.ML.OnnxRuntime) running the ONNX export
/// of the same LSTM 16→128 + Linear(1) with IOBinding and preallocated OrtValues, on 1 and 2 intra-op threads, beside
/// RnnGen's batch on the same weights. Before anything is timed, RnnGen and ONNX Runtime must both reproduce PyTorch's
/// outputs for batch_peers.py's input and state. PyTorch's own timing of that step is in its pytorch.json.
/// </summary>
[MemoryDiagnoser]
public class BatchPeers
{
    /// <summary>Where batch_peers.py wrote its files (benchmarks/run.sh passes it as --batch-peers); without it this suite is skipped.</summary>
    public static string? Directory { get; set; }

    public const int Batch = 256, Inputs = 16, Hidden = 128;

    [Params(1, 2)] public int Threads { get; set; } = 1;

    private Lstm16x128.Batch _rnngen = null!;
    private float[] _x = [], _y = [];
    private InferenceSession _session = null!;
    private OrtIoBinding _binding = null!;
    private RunOptions _runOptions = null!;
    private OrtValue[] _values = [];

    [GlobalSetup]
    public void Prepare()
    {
        string directory = Directory ?? throw new InvalidOperationException("BatchPeers needs batch_peers.py's output: pass --batch-peers DIR.");
        var check = PeerCheck.Read(Path.Combine(directory, "lstm16x128_check.json"));
        float[] x = check.Floats("x"), h0 = check.Floats("h0"), c0 = check.Floats("c0");

        // RnnGen: the same weights, the same initial states; outputs and final states equal to PyTorch's.
        var model = new Lstm16x128();
        model.LoadWeights(Path.Combine(directory, "lstm16x128.safetensors"));
        _rnngen = new Lstm16x128.Batch(model, Batch) { Threads = Threads };
        var state = new float[Lstm16x128.StateSize];
        for (int e = 0; e < Batch; e++)
        {
            int slot = _rnngen.Add();
            h0.AsSpan(e * Hidden, Hidden).CopyTo(state);
            c0.AsSpan(e * Hidden, Hidden).CopyTo(state.AsSpan(Hidden));
            _rnngen.SetState(slot, state);
        }
        _x = x;
        _y = new float[Batch];
        _rnngen.Step(_x, _y);
        PeerCheck.Equal("RnnGen batch y vs PyTorch", check.Floats("y"), _y);
        var h = new float[Batch * Hidden];
        for (int e = 0; e < Batch; e++)
        {
            _rnngen.GetState(_rnngen.ActiveSlots[e], state);
            state.AsSpan(0, Hidden).CopyTo(h.AsSpan(e * Hidden));
        }
        PeerCheck.Equal("RnnGen batch h vs PyTorch", check.Floats("h"), h);

        // ONNX Runtime: the exported graph, inputs and outputs bound once to preallocated OrtValues.
        var options = new SessionOptions { IntraOpNumThreads = Threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(Path.Combine(directory, "lstm16x128.onnx"), options);
        _runOptions = new RunOptions();
        var yOrt = new float[Batch];
        var hOrt = new float[Batch * Hidden];
        var cOrt = new float[Batch * Hidden];
        _values =
        [
            OrtValue.CreateTensorValueFromMemory(x, [Batch, 1, Inputs]),
            OrtValue.CreateTensorValueFromMemory(h0, [1, Batch, Hidden]),
            OrtValue.CreateTensorValueFromMemory(c0, [1, Batch, Hidden]),
            OrtValue.CreateTensorValueFromMemory(yOrt, [Batch, 1]),
            OrtValue.CreateTensorValueFromMemory(hOrt, [1, Batch, Hidden]),
            OrtValue.CreateTensorValueFromMemory(cOrt, [1, Batch, Hidden]),
        ];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("x", _values[0]);
        _binding.BindInput("h0", _values[1]);
        _binding.BindInput("c0", _values[2]);
        _binding.BindOutput("y", _values[3]);
        _binding.BindOutput("h", _values[4]);
        _binding.BindOutput("c", _values[5]);
        _session.RunWithBinding(_runOptions, _binding);
        PeerCheck.Equal("ONNX Runtime y vs PyTorch", check.Floats("y"), yOrt);
        PeerCheck.Equal("ONNX Runtime h vs PyTorch", check.Floats("h"), hOrt);
        BatchWarmUp.Run(() => { _rnngen.Step(_x, _y); _session.RunWithBinding(_runOptions, _binding); });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rnngen.Dispose();
        _binding.Dispose();
        foreach (var value in _values) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>RnnGen's batched Step of the 256 entities (state carried in place).</summary>
    [Benchmark] public void RnnGen_Lstm16x128_B256() => _rnngen.Step(_x, _y);

    /// <summary>ONNX Runtime's run of the exported one-step graph over the same 256 entities.</summary>
    [Benchmark] public void OnnxRuntime_Lstm16x128_B256() => _session.RunWithBinding(_runOptions, _binding);
}

/// <summary>The reference values batch_peers.py wrote, and the equality check every peer passes before it is timed.</summary>
internal sealed class PeerCheck(JsonElement root)
{
    public static PeerCheck Read(string path) => new(JsonDocument.Parse(File.ReadAllText(path)).RootElement);

    public float[] Floats(string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble())];
    public int[] Ints(string name) => [.. root.GetProperty(name).EnumerateArray().Select(v => v.GetInt32())];

    /// <summary>Throws (so the benchmark reports no number) unless |got − want| ≤ 1e-5 + 1e-4·|want| everywhere (the project's tolerance).</summary>
    public static void Equal(string what, float[] want, float[] got)
    {
        if (want.Length != got.Length) throw new InvalidOperationException($"{what}: {got.Length} values, expected {want.Length}.");
        for (int i = 0; i < want.Length; i++)
            if (!(Math.Abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.Abs(want[i])))
                throw new InvalidOperationException($"{what}: [{i}] is {got[i]}, expected {want[i]}; the peers do not compute the same thing, so they are not timed.");
    }
}
