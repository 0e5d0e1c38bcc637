namespace RnnGen.Tests.Shared;

/// <summary>How one layer of <see cref="ReferenceNetwork"/> computes.</summary>
public enum ReferenceCell { Lstm, GruResetAfter, GruResetBefore, RnnTanh, RnnRelu }

public sealed record ReferenceLayer(ReferenceCell Cell, int Hidden, int Projection = 0, bool Bidirectional = false, bool Bias = true)
{
    public int Output => Projection > 0 ? Projection : Hidden;
    public int Directions => Bidirectional ? 2 : 1;
    public int Gates => Cell switch { ReferenceCell.Lstm => 4, ReferenceCell.RnnTanh or ReferenceCell.RnnRelu => 1, _ => 3 };
}

/// <summary>A hidden dense layer of an MLP head: <c>a = act(W x + b)</c>.</summary>
public sealed record ReferenceDense(int Outputs, Activation Activation, bool Bias = true);

/// <summary>
/// The head: <paramref name="Hidden"/> dense layers (an MLP, named <c>head.0.</c>, <c>head.1.</c>, …), then the output layer
/// (<paramref name="Outputs"/>, <paramref name="Activation"/>; named <c>head.</c> alone). It reads every step, the last
/// step, or (<paramref name="Final"/>) the top layer's final states h_n: forward after the last step, reverse after t = 0.
/// </summary>
public sealed record ReferenceHead(int Outputs, Activation Activation, bool EveryStep, bool Bias = true, ReferenceDense[]? Hidden = null, bool Final = false);

/// <summary>
/// An independent double-precision implementation of the equations in docs/equations.md (and the classic reset-before GRU,
/// n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)), written as plain loops with no code shared with the generator.
/// Parameters and states are looked up by their state_dict / state names, so it checks the generated layout too.
/// </summary>
public sealed class ReferenceNetwork(ReferenceLayer[] layers, ReferenceHead? head = null, bool embedding = false)
{
    /// <summary>
    /// The reference's outputs and final state for <paramref name="model"/>'s layout: its parameters, input rows and
    /// initial state given in double precision (<paramref name="tokens"/> instead of rows for a token model).
    /// </summary>
    public (double[] Outputs, double[] FinalState) RunModel(IRecurrentModel model, double[] parameters, double[] initialState, double[]? inputs = null, int[]? tokens = null)
    {
        double[] Tensor(string name)
        {
            var t = model.ParameterTensors.Single(x => x.Name == name);
            return parameters.AsSpan(t.Offset, t.Length).ToArray();
        }
        var state = model.StateTensors.ToDictionary(s => s.Name, s => initialState.AsSpan(s.Offset, s.Length).ToArray());
        double[][] rows = tokens is not null
            ? tokens.Select(token => Tensor("embedding.weight").AsSpan(token * model.InputSize, model.InputSize).ToArray()).ToArray()
            : Enumerable.Range(0, inputs!.Length / model.InputSize).Select(t => inputs.AsSpan(t * model.InputSize, model.InputSize).ToArray()).ToArray();
        double[] outputs = Run(Tensor, rows, state);
        var final = new double[initialState.Length];
        foreach (var s in model.StateTensors) state[s.Name].CopyTo(final, s.Offset);
        return (outputs, final);
    }

    public double[] Run(Func<string, double[]> parameter, double[][] inputs, Dictionary<string, double[]> state)
    {
        string prefix = head is not null || embedding ? "rnn." : "";
        double[][] x = inputs;
        int steps = inputs.Length;
        for (int k = 0; k < layers.Length; k++)
        {
            var layer = layers[k];
            var output = new double[steps][];
            for (int t = 0; t < steps; t++) output[t] = new double[layer.Directions * layer.Output];
            for (int d = 0; d < layer.Directions; d++)
            {
                string sfx = d == 0 ? "" : "_reverse";
                double[] wih = parameter($"{prefix}weight_ih_l{k}{sfx}"), whh = parameter($"{prefix}weight_hh_l{k}{sfx}");
                double[]? bih = layer.Bias ? parameter($"{prefix}bias_ih_l{k}{sfx}") : null;
                double[]? bhh = layer.Bias ? parameter($"{prefix}bias_hh_l{k}{sfx}") : null;
                double[]? whr = layer.Projection > 0 ? parameter($"{prefix}weight_hr_l{k}{sfx}") : null;
                double[] h = (double[])state[$"h_l{k}{sfx}"].Clone();
                double[]? c = layer.Cell == ReferenceCell.Lstm ? (double[])state[$"c_l{k}{sfx}"].Clone() : null;
                for (int s = 0; s < steps; s++)
                {
                    int t = d == 0 ? s : steps - 1 - s;
                    h = StepCell(layer, x[t], h, c, wih, whh, bih, bhh, whr);
                    Array.Copy(h, 0, output[t], d * layer.Output, layer.Output);
                }
                state[$"h_l{k}{sfx}"] = h;
                if (c is not null) state[$"c_l{k}{sfx}"] = c;
            }
            x = output;
        }
        if (head is null) return x.SelectMany(row => row).ToArray();

        // h_n from the final states themselves, not from the output rows the generated code reads.
        int top = layers.Length - 1;
        double[] final = layers[top].Bidirectional ? [.. state[$"h_l{top}"], .. state[$"h_l{top}_reverse"]] : state[$"h_l{top}"];
        var rows = head.EveryStep ? x : head.Final ? [final] : [x[steps - 1]];
        var dense = (head.Hidden ?? []).Append(new ReferenceDense(head.Outputs, head.Activation, head.Bias)).ToArray();
        return rows.SelectMany(row =>
        {
            double[] a = row;
            for (int i = 0; i < dense.Length; i++)
            {
                string name = dense.Length == 1 ? "head." : $"head.{i}.";
                a = Activate(dense[i].Activation, Affine(parameter(name + "weight"), dense[i].Bias ? parameter(name + "bias") : null, a, dense[i].Outputs));
            }
            return a;
        }).ToArray();
    }

    private static double[] StepCell(ReferenceLayer layer, double[] x, double[] h, double[]? c, double[] wih, double[] whh, double[]? bih, double[]? bhh, double[]? whr)
    {
        int H = layer.Hidden, G = layer.Gates * H;
        double[] gi = Affine(wih, bih, x, G);
        switch (layer.Cell)
        {
            case ReferenceCell.Lstm:
            {
                double[] a = Add(gi, Affine(whh, bhh, h, G));
                var m = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double i = Sigmoid(a[j]), f = Sigmoid(a[H + j]), g = Math.Tanh(a[2 * H + j]), o = Sigmoid(a[3 * H + j]);
                    c![j] = f * c[j] + i * g;
                    m[j] = o * Math.Tanh(c[j]);
                }
                return whr is null ? m : Affine(whr, null, m, layer.Projection);
            }
            case ReferenceCell.GruResetAfter:
            {
                double[] gh = Affine(whh, bhh, h, G);
                var next = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double r = Sigmoid(gi[j] + gh[j]), z = Sigmoid(gi[H + j] + gh[H + j]);
                    double n = Math.Tanh(gi[2 * H + j] + r * gh[2 * H + j]);
                    next[j] = (1 - z) * n + z * h[j];
                }
                return next;
            }
            case ReferenceCell.GruResetBefore:
            {
                var r = new double[H];
                var z = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double ar = gi[j] + (bhh?[j] ?? 0), az = gi[H + j] + (bhh?[H + j] ?? 0);
                    for (int q = 0; q < H; q++)
                    {
                        ar += whh[j * H + q] * h[q];
                        az += whh[(H + j) * H + q] * h[q];
                    }
                    r[j] = Sigmoid(ar);
                    z[j] = Sigmoid(az);
                }
                var next = new double[H];
                for (int j = 0; j < H; j++)
                {
                    double an = gi[2 * H + j] + (bhh?[2 * H + j] ?? 0);
                    for (int q = 0; q < H; q++) an += whh[(2 * H + j) * H + q] * r[q] * h[q];
                    double n = Math.Tanh(an);
                    next[j] = (1 - z[j]) * n + z[j] * h[j];
                }
                return next;
            }
            default:
            {
                double[] a = Add(gi, Affine(whh, bhh, h, G));
                return a.Select(v => layer.Cell == ReferenceCell.RnnTanh ? Math.Tanh(v) : Math.Max(0, v)).ToArray();
            }
        }
    }

    private static double[] Affine(double[] w, double[]? b, double[] x, int rows)
    {
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = b?[r] ?? 0;
            for (int q = 0; q < x.Length; q++) sum += w[r * x.Length + q] * x[q];
            y[r] = sum;
        }
        return y;
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double[] Activate(Activation activation, double[] z)
    {
        switch (activation)
        {
            case Activation.Sigmoid: return z.Select(Sigmoid).ToArray();
            case Activation.Tanh: return z.Select(Math.Tanh).ToArray();
            case Activation.Relu: return z.Select(v => Math.Max(0, v)).ToArray();
            case Activation.Softmax:
                double max = z.Max();
                double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
                double sum = e.Sum();
                return e.Select(v => v / sum).ToArray();
            default: return z;
        }
    }
}
