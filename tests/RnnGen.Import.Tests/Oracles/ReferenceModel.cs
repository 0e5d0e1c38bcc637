using RnnGen.Weights;

namespace RnnGen.Import.Tests.Oracles;

/// <summary>
/// An independent float64 implementation of a declared model with PyTorch's equations (FORMULAS.md): LSTM gates
/// (i, f, g, o); GRU (r, z, n) with the reset gate after or before the recurrent matmul; tanh or ReLU RNN; directions,
/// stacking, an embedding; then the dense head over every step, the last step or the final state h_n. Tensors are found
/// by the declaration contract's names, re-derived here, and every tensor of the file must be used with its exact shape.
/// </summary>
internal sealed class ReferenceModel
{
    private readonly DeclaredModel _model;
    private readonly Dictionary<string, SafeTensor> _tensors;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ReferenceModel(DeclaredModel model, SafeTensorsFile weights)
    {
        _model = model;
        _tensors = weights.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        // Touch every tensor once so names and shapes are checked before any number is computed.
        Run(new double[1][] { new double[model.InputSize] }, tokens: model.Embedding is null ? null : [0]);
        var unused = _tensors.Keys.Where(k => !_used.Contains(k)).ToList();
        Assert.True(unused.Count == 0, $"tensors the declaration does not load: {string.Join(", ", unused)}");
    }

    /// <summary>Runs one sequence (features, or token ids with an embedding) and returns the model's output rows, flattened.</summary>
    public double[] Run(double[][]? x, int[]? tokens = null)
    {
        int steps = tokens?.Length ?? x!.Length;
        double[][] sequence;
        if (_model.Embedding is { } e)
        {
            var table = Tensor(e.Module is null ? "embedding.weight" : e.Module + ".weight", e.Vocabulary, e.Dimension);
            sequence = tokens!.Select(t => table.AsSpan(t * e.Dimension, e.Dimension).ToArray()).ToArray();
        }
        else
        {
            sequence = x!;
        }

        double[][] forwardFinal = [], reverseFinal = [];
        int input = _model.InputSize;
        for (int k = 0; k < _model.Layers.Count; k++)
        {
            var layer = _model.Layers[k];
            string prefix = Prefix(k, out int j);
            var outputs = new double[steps][];
            for (int t = 0; t < steps; t++) outputs[t] = new double[layer.Width];
            for (int d = 0; d < (layer.Bidirectional ? 2 : 1); d++)
            {
                string suffix = $"_l{j}{(d == 1 ? "_reverse" : "")}";
                var final = RunDirection(layer, prefix, suffix, input, sequence, outputs, d);
                if (k == _model.Layers.Count - 1)
                {
                    if (d == 0) forwardFinal = [final];
                    else reverseFinal = [final];
                }
            }
            sequence = outputs;
            input = layer.Width;
        }

        if (_model.Head.Count == 0) return sequence.SelectMany(r => r).ToArray();
        double[][] rows = _model.Over switch
        {
            "Every" => sequence,
            "Last" => [sequence[^1]],
            "Final" => [forwardFinal[0].Concat(reverseFinal.Length > 0 ? reverseFinal[0] : []).ToArray()],
            var other => throw new InvalidOperationException($"unknown Over {other}"),
        };
        for (int i = 0; i < _model.Head.Count; i++)
        {
            var dense = _model.Head[i];
            string prefix = dense.Module is { } m ? m + "." : _model.Head.Count == 1 ? "head." : $"head.{i}.";
            var w = Tensor(prefix + "weight", dense.Outputs, input);
            var b = dense.Bias ? Tensor(prefix + "bias", dense.Outputs) : new double[dense.Outputs];
            rows = rows.Select(r => Activate(dense.Activation, Add(MatVec(w, r, dense.Outputs, input), b))).ToArray();
            input = dense.Outputs;
        }
        return rows.SelectMany(r => r).ToArray();
    }

    /// <summary>The contract's prefix of layer k and its index j within its module run.</summary>
    private string Prefix(int k, out int j)
    {
        string? module = _model.Layers[k].Module;
        int start = k;
        while (start > 0 && _model.Layers[start - 1].Module == module) start--;
        j = k - start;
        if (module is not null) return module + ".";
        return _model.Head.Count > 0 || _model.Embedding is not null ? "rnn." : "";
    }

    /// <summary>Runs one direction of a layer, writing its h into its half of each output row; returns its final h.</summary>
    private double[] RunDirection(DeclaredModel.LayerPart layer, string prefix, string suffix, int input, double[][] x, double[][] outputs, int direction)
    {
        int h = layer.Hidden, p = layer.Output, rows = layer.Gates * h;
        var wih = Tensor($"{prefix}weight_ih{suffix}", rows, input);
        var whh = Tensor($"{prefix}weight_hh{suffix}", rows, p);
        var bih = layer.Bias ? Tensor($"{prefix}bias_ih{suffix}", rows) : new double[rows];
        var bhh = layer.Bias ? Tensor($"{prefix}bias_hh{suffix}", rows) : new double[rows];
        var whr = layer.Projection > 0 ? Tensor($"{prefix}weight_hr{suffix}", p, h) : null;
        var state = new double[p];
        var cell = new double[h];
        int steps = x.Length;
        for (int s = 0; s < steps; s++)
        {
            int t = direction == 0 ? s : steps - 1 - s;
            var gi = Add(MatVec(wih, x[t], rows, input), bih);
            var gh = Add(MatVec(whh, state, rows, p), bhh);
            var next = new double[h];
            switch (layer.Cell)
            {
                case "Lstm":
                    for (int u = 0; u < h; u++)
                    {
                        double i = Sigmoid(gi[u] + gh[u]), f = Sigmoid(gi[h + u] + gh[h + u]);
                        double g = Math.Tanh(gi[2 * h + u] + gh[2 * h + u]), o = Sigmoid(gi[3 * h + u] + gh[3 * h + u]);
                        cell[u] = f * cell[u] + i * g;
                        next[u] = o * Math.Tanh(cell[u]);
                    }
                    break;
                case "Gru":
                    var r = new double[h];
                    var z = new double[h];
                    for (int u = 0; u < h; u++)
                    {
                        r[u] = Sigmoid(gi[u] + gh[u]);
                        z[u] = Sigmoid(gi[h + u] + gh[h + u]);
                    }
                    double[] hn;
                    if (layer.ResetAfter)
                    {
                        hn = Enumerable.Range(0, h).Select(u => r[u] * gh[2 * h + u]).ToArray();
                    }
                    else
                    {
                        var resetState = state.Select((v, u) => r[u] * v).ToArray();
                        var product = MatVec(whh, resetState, rows, p);
                        hn = Enumerable.Range(0, h).Select(u => product[2 * h + u] + bhh[2 * h + u]).ToArray();
                    }
                    for (int u = 0; u < h; u++)
                    {
                        double n = Math.Tanh(gi[2 * h + u] + hn[u]);
                        next[u] = (1 - z[u]) * n + z[u] * state[u];
                    }
                    break;
                default:
                    for (int u = 0; u < h; u++)
                    {
                        double a = gi[u] + gh[u];
                        next[u] = layer.Relu ? Math.Max(0, a) : Math.Tanh(a);
                    }
                    break;
            }
            state = whr is null ? next : MatVec(whr, next, p, h);
            Array.Copy(state, 0, outputs[t], direction * p, p);
        }
        return state;
    }

    private double[] Tensor(string name, params int[] shape)
    {
        Assert.True(_tensors.TryGetValue(name, out var tensor), $"the declaration loads '{name}', which the file does not have (it has {string.Join(", ", _tensors.Keys)})");
        Assert.True(shape.SequenceEqual(tensor!.Shape), $"'{name}' is {tensor.ShapeText} in the file, the declaration needs [{string.Join(", ", shape)}]");
        _used.Add(name);
        return tensor.Data.Select(v => (double)v).ToArray();
    }

    private static double[] MatVec(double[] w, double[] v, int rows, int columns)
    {
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++) sum += w[r * columns + c] * v[c];
            result[r] = sum;
        }
        return result;
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double[] Activate(string activation, double[] v) => activation switch
    {
        "Linear" => v,
        "Relu" => v.Select(x => Math.Max(0, x)).ToArray(),
        "Tanh" => v.Select(Math.Tanh).ToArray(),
        "Sigmoid" => v.Select(Sigmoid).ToArray(),
        "Softmax" => Softmax(v),
        var other => throw new InvalidOperationException($"unknown activation {other}"),
    };

    private static double[] Softmax(double[] v)
    {
        double max = v.Max();
        var e = v.Select(x => Math.Exp(x - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }
}
