using System.Numerics.Tensors;

namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// LSTM(I→H) + Dense(H→1) with run-time sizes built from <see cref="TensorPrimitives"/>: one vectorised dot per gate
/// row, vectorised activations over each gate slice. How one writes a fast "dynamic" RNN in .NET without a generator.
/// </summary>
public sealed class TensorPrimitivesLstm(int inputSize, int hiddenSize, int seed = 1)
{
    private readonly int _inputs = inputSize, _hidden = hiddenSize;
    private readonly float[] _wIh = Weights.Random(4 * hiddenSize * inputSize, hiddenSize, seed);
    private readonly float[] _wHh = Weights.Random(4 * hiddenSize * hiddenSize, hiddenSize, seed + 1);
    private readonly float[] _bias = Weights.Random(4 * hiddenSize, hiddenSize, seed + 2);
    private readonly float[] _wOut = Weights.Random(hiddenSize, hiddenSize, seed + 4);
    private readonly float[] _gates = new float[4 * hiddenSize];
    private readonly float[] _h = new float[hiddenSize];
    private readonly float[] _c = new float[hiddenSize];

    public float Step(ReadOnlySpan<float> x)
    {
        int inputs = _inputs, hidden = _hidden;
        Span<float> gates = _gates, h = _h, c = _c;
        for (int r = 0; r < 4 * hidden; r++)
            gates[r] = _bias[r] + TensorPrimitives.Dot(_wIh.AsSpan(r * inputs, inputs), x) + TensorPrimitives.Dot(_wHh.AsSpan(r * hidden, hidden), h);
        TensorPrimitives.Sigmoid(gates[..(2 * hidden)], gates[..(2 * hidden)]);
        TensorPrimitives.Tanh(gates.Slice(2 * hidden, hidden), gates.Slice(2 * hidden, hidden));
        TensorPrimitives.Sigmoid(gates.Slice(3 * hidden, hidden), gates.Slice(3 * hidden, hidden));
        TensorPrimitives.Multiply(gates.Slice(hidden, hidden), c, c);
        TensorPrimitives.MultiplyAdd(gates[..hidden], gates.Slice(2 * hidden, hidden), c, c);
        TensorPrimitives.Tanh(c, h);
        TensorPrimitives.Multiply(gates.Slice(3 * hidden, hidden), h, h);
        return TensorPrimitives.Dot(_wOut, h);
    }
}

/// <summary>GRU(I→H) + Dense(H→1) (reset after, gate order r, z, n) with run-time sizes, from <see cref="TensorPrimitives"/>.</summary>
public sealed class TensorPrimitivesGru(int inputSize, int hiddenSize, int seed = 1)
{
    private readonly int _inputs = inputSize, _hidden = hiddenSize;
    private readonly float[] _wIh = Weights.Random(3 * hiddenSize * inputSize, hiddenSize, seed);
    private readonly float[] _wHh = Weights.Random(3 * hiddenSize * hiddenSize, hiddenSize, seed + 1);
    private readonly float[] _bIh = Weights.Random(3 * hiddenSize, hiddenSize, seed + 2);
    private readonly float[] _bHh = Weights.Random(3 * hiddenSize, hiddenSize, seed + 3);
    private readonly float[] _wOut = Weights.Random(hiddenSize, hiddenSize, seed + 4);
    private readonly float[] _gi = new float[3 * hiddenSize];
    private readonly float[] _gh = new float[3 * hiddenSize];
    private readonly float[] _h = new float[hiddenSize];

    public float Step(ReadOnlySpan<float> x)
    {
        int inputs = _inputs, hidden = _hidden;
        Span<float> gi = _gi, gh = _gh, h = _h;
        for (int r = 0; r < 3 * hidden; r++)
        {
            gi[r] = _bIh[r] + TensorPrimitives.Dot(_wIh.AsSpan(r * inputs, inputs), x);
            gh[r] = _bHh[r] + TensorPrimitives.Dot(_wHh.AsSpan(r * hidden, hidden), h);
        }
        Span<float> rz = gi[..(2 * hidden)], n = gi.Slice(2 * hidden, hidden), z = gi.Slice(hidden, hidden);
        TensorPrimitives.Add(rz, gh[..(2 * hidden)], rz);
        TensorPrimitives.Sigmoid(rz, rz);
        TensorPrimitives.MultiplyAdd(gi[..hidden], gh.Slice(2 * hidden, hidden), n, n);
        TensorPrimitives.Tanh(n, n);
        // h' = n + z ⊙ (h − n)
        TensorPrimitives.Subtract(h, n, h);
        TensorPrimitives.MultiplyAdd(z, h, n, h);
        return TensorPrimitives.Dot(_wOut, h);
    }
}
