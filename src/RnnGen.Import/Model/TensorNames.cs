using System.Globalization;

namespace RnnGen.Import.Model;

/// <summary>One tensor a declaration loads: its name and shape, in <c>state_dict</c> order.</summary>
public sealed record ExpectedTensor(string Name, int[] Shape)
{
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}

/// <summary>
/// The tensor names of the declaration contract. With <c>Module</c>: an embedding <c>{Module}.weight</c>; a run of
/// consecutive recurrent layers with the same Module is one multi-layer PyTorch module, <c>{Module}.weight_ih_l{j}[_reverse]</c>
/// with j counted from 0 within the run; a dense layer <c>{Module}.weight</c>/<c>.bias</c>. Without Module: recurrent
/// layers under <c>rnn.</c> when the model has a head or an embedding (else no prefix), <c>embedding.weight</c>, one dense
/// layer <c>head.weight</c>/<c>head.bias</c>, several <c>head.0.</c>, <c>head.1.</c>, ….
/// </summary>
public static class TensorNames
{
    /// <summary>Every tensor the model loads, in PyTorch <c>state_dict</c> order (embedding, layers, head).</summary>
    public static IReadOnlyList<ExpectedTensor> For(ModelDescription model)
    {
        var tensors = new List<ExpectedTensor>();
        if (model.Embedding is { } e)
            tensors.Add(new(EmbeddingName(e), [e.VocabularySize, e.Dimension]));

        int input = model.InputSize;
        for (int k = 0; k < model.Layers.Count; k++)
        {
            var layer = model.Layers[k];
            string prefix = RecurrentPrefix(model, k, out int j);
            int rows = layer.Gates * layer.HiddenSize;
            for (int d = 0; d < layer.Directions; d++)
            {
                string suffix = $"_l{N(j)}{(d == 1 ? "_reverse" : "")}";
                tensors.Add(new($"{prefix}weight_ih{suffix}", [rows, input]));
                tensors.Add(new($"{prefix}weight_hh{suffix}", [rows, layer.OutputSize]));
                if (layer.Bias)
                {
                    tensors.Add(new($"{prefix}bias_ih{suffix}", [rows]));
                    tensors.Add(new($"{prefix}bias_hh{suffix}", [rows]));
                }
                if (layer.ProjectionSize > 0) tensors.Add(new($"{prefix}weight_hr{suffix}", [layer.ProjectionSize, layer.HiddenSize]));
            }
            input = layer.Width;
        }

        for (int i = 0; i < model.Head.Count; i++)
        {
            var dense = model.Head[i];
            string prefix = DensePrefix(model, i);
            tensors.Add(new(prefix + "weight", [dense.Outputs, input]));
            if (dense.Bias) tensors.Add(new(prefix + "bias", [dense.Outputs]));
            input = dense.Outputs;
        }
        return tensors;
    }

    public static string EmbeddingName(EmbeddingLayer embedding) => embedding.Module is { } m ? m + ".weight" : "embedding.weight";

    /// <summary>The prefix of layer <paramref name="k"/>'s tensors and its index <paramref name="j"/> within its module.</summary>
    public static string RecurrentPrefix(ModelDescription model, int k, out int j)
    {
        string? module = model.Layers[k].Module;
        int start = k;
        while (start > 0 && model.Layers[start - 1].Module == module) start--;
        j = k - start;
        if (module is not null) return module + ".";
        return model.Head.Count > 0 || model.Embedding is not null ? "rnn." : "";
    }

    /// <summary>The prefix of dense layer <paramref name="i"/>'s <c>weight</c> and <c>bias</c>.</summary>
    public static string DensePrefix(ModelDescription model, int i)
    {
        if (model.Head[i].Module is { } m) return m + ".";
        return model.Head.Count == 1 ? "head." : $"head.{N(i)}.";
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
