using Microsoft.ML.OnnxRuntime;

namespace RnnGen.Benchmarks.Peers;

/// <summary>The three graphs export_onnx.py writes per model, all stateful: state in (h0, c0) and out (hn, cn).</summary>
public enum OnnxWorkload
{
    /// <summary>One step, batch 1: x [1, 1, I].</summary>
    Step,
    /// <summary><see cref="OnnxRuntimeRunner.SequenceLength"/> steps, batch 1, the head on the last: x [T, 1, I].</summary>
    Forward,
    /// <summary>One step of <see cref="OnnxRuntimeRunner.Batch"/> independent streams: x [1, B, I].</summary>
    Batch,
}

/// <summary>
/// One exported graph in an ONNX Runtime session at its best for this work: one thread, sequential execution, all graph
/// optimisations, every input and output an <see cref="OrtValue"/> over preallocated memory, bound once with IOBinding.
/// The state ping-pongs between two bindings (h0/c0 of one are hn/cn of the other), so each <see cref="Run"/> continues
/// the streams from the last one without a copy: a true stateful step.
/// </summary>
public sealed class OnnxRuntimeRunner : IDisposable
{
    public const int SequenceLength = 50, Batch = 64;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding[] _bindings = new OrtIoBinding[2];
    private readonly List<OrtValue> _values = [];
    private int _turn;

    public OnnxRuntimeRunner(string path, bool lstm, int inputs, int hidden, OnnxWorkload workload)
    {
        int steps = workload == OnnxWorkload.Forward ? SequenceLength : 1, batch = workload == OnnxWorkload.Batch ? Batch : 1;
        Workload = workload;
        X = new float[steps * batch * inputs];
        Y = new float[batch];
        Hidden = [new float[batch * hidden], new float[batch * hidden]];
        Cell = lstm ? [new float[batch * hidden], new float[batch * hidden]] : null;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(path, options);
        OrtValue Tensor(float[] data, params long[] shape)
        {
            var value = OrtValue.CreateTensorValueFromMemory(data, shape);
            _values.Add(value);
            return value;
        }
        OrtValue x = Tensor(X, steps, batch, inputs), y = Tensor(Y, batch, 1);
        OrtValue[] h = [Tensor(Hidden[0], 1, batch, hidden), Tensor(Hidden[1], 1, batch, hidden)];
        OrtValue[]? c = Cell is null ? null : [Tensor(Cell[0], 1, batch, hidden), Tensor(Cell[1], 1, batch, hidden)];
        for (int turn = 0; turn < 2; turn++)
        {
            var binding = _session.CreateIoBinding();
            binding.BindInput("x", x);
            binding.BindInput("h0", h[turn]);
            binding.BindOutput("y", y);
            binding.BindOutput("hn", h[1 - turn]);
            if (c is not null)
            {
                binding.BindInput("c0", c[turn]);
                binding.BindOutput("cn", c[1 - turn]);
            }
            _bindings[turn] = binding;
        }
    }

    public OnnxWorkload Workload { get; }

    /// <summary>The input: [T, B, I], time-major.</summary>
    public float[] X { get; }

    /// <summary>The head's output of the last run: one per stream.</summary>
    public float[] Y { get; }

    /// <summary>The two hidden-state buffers [B × H]; <see cref="CurrentHidden"/> is the one the next run reads.</summary>
    public float[][] Hidden { get; }

    public float[][]? Cell { get; }

    public float[] CurrentHidden => Hidden[_turn];

    public float[]? CurrentCell => Cell?[_turn];

    public void Run()
    {
        _session.RunWithBinding(_runOptions, _bindings[_turn]);
        _turn ^= 1;
    }

    /// <summary>Zero state in both buffers, the next run reading the first.</summary>
    public void ResetState()
    {
        foreach (var h in Hidden) Array.Clear(h);
        foreach (var c in Cell ?? []) Array.Clear(c);
        _turn = 0;
    }

    public void Dispose()
    {
        foreach (var binding in _bindings) binding?.Dispose();
        foreach (var value in _values) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
