namespace RnnGen.Benchmarks.Baselines;

/// <summary>
/// Textbook scalar LSTM(I→H) + Dense(H→1) with sizes known only at run time: one dot product per gate row,
/// <see cref="MathF"/> activations. PyTorch gate order i, f, g, o. The baseline the "≥ 5× faster" refers to.
/// </summary>
public sealed class ScalarLstm(int inputSize, int hiddenSize, int seed = 1)
{
    private readonly int _inputs = inputSize, _hidden = hiddenSize;
    private readonly float[] _wIh = Weights.Random(4 * hiddenSize * inputSize, hiddenSize, seed);
    private readonly float[] _wHh = Weights.Random(4 * hiddenSize * hiddenSize, hiddenSize, seed + 1);
    private readonly float[] _bIh = Weights.Random(4 * hiddenSize, hiddenSize, seed + 2);
    private readonly float[] _bHh = Weights.Random(4 * hiddenSize, hiddenSize, seed + 3);
    private readonly float[] _wOut = Weights.Random(hiddenSize, hiddenSize, seed + 4);
    private readonly float[] _gates = new float[4 * hiddenSize];
    private readonly float[] _h = new float[hiddenSize];
    private readonly float[] _c = new float[hiddenSize];

    public float Step(ReadOnlySpan<float> x)
    {
        int inputs = _inputs, hidden = _hidden;
        for (int r = 0; r < 4 * hidden; r++)
        {
            float sum = _bIh[r] + _bHh[r];
            for (int k = 0; k < inputs; k++) sum += _wIh[r * inputs + k] * x[k];
            for (int k = 0; k < hidden; k++) sum += _wHh[r * hidden + k] * _h[k];
            _gates[r] = sum;
        }
        float y = 0f;
        for (int j = 0; j < hidden; j++)
        {
            float i = Sigmoid(_gates[j]), f = Sigmoid(_gates[hidden + j]);
            float g = MathF.Tanh(_gates[2 * hidden + j]), o = Sigmoid(_gates[3 * hidden + j]);
            _c[j] = f * _c[j] + i * g;
            _h[j] = o * MathF.Tanh(_c[j]);
            y += _wOut[j] * _h[j];
        }
        return y;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

/// <summary>Textbook scalar GRU(I→H) + Dense(H→1), PyTorch semantics (reset after, gate order r, z, n), run-time sizes.</summary>
public sealed class ScalarGru(int inputSize, int hiddenSize, int seed = 1)
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
        for (int r = 0; r < 3 * hidden; r++)
        {
            float si = _bIh[r], sh = _bHh[r];
            for (int k = 0; k < inputs; k++) si += _wIh[r * inputs + k] * x[k];
            for (int k = 0; k < hidden; k++) sh += _wHh[r * hidden + k] * _h[k];
            _gi[r] = si;
            _gh[r] = sh;
        }
        float y = 0f;
        for (int j = 0; j < hidden; j++)
        {
            float r = Sigmoid(_gi[j] + _gh[j]), z = Sigmoid(_gi[hidden + j] + _gh[hidden + j]);
            float n = MathF.Tanh(_gi[2 * hidden + j] + r * _gh[2 * hidden + j]);
            _h[j] = (1f - z) * n + z * _h[j];
            y += _wOut[j] * _h[j];
        }
        return y;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

internal static class Weights
{
    /// <summary>Uniform in ±1/√fanIn, PyTorch's default RNN initialisation.</summary>
    public static float[] Random(int length, int fanIn, int seed)
    {
        var random = new Random(seed);
        float bound = 1f / MathF.Sqrt(fanIn);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        return values;
    }
}
