using System.Globalization;
using System.Text.RegularExpressions;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;

namespace RnnGen.Cli.Inspection;

/// <summary>What <see cref="ArchitectureInference"/> found in a weights file.</summary>
/// <param name="Spec">The model to declare, or null when <see cref="Errors"/> says why none fits.</param>
/// <param name="Parts">One line per recognised part (input, each layer, embedding, head), naming the tensors it rests on.</param>
/// <param name="Defaults">Choices the weights cannot tell, each with how to override it.</param>
/// <param name="Warnings">Tensors that were not used or will not load as they are, by name.</param>
/// <param name="Errors">Inconsistent or unsupported tensors, by name; the file cannot be declared as it is.</param>
internal sealed record InferredModel(
    ModelSpec? Spec,
    string RecurrentPrefix,
    IReadOnlyList<string> Parts,
    IReadOnlyList<string> Defaults,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Errors);

/// <summary>Options for <see cref="ArchitectureInference.Infer"/>.</summary>
internal sealed record InferenceOptions(string TypeName = "Model", string Namespace = "", int? SequenceLength = null)
{
    /// <summary>The window chosen when none is given: SequenceLength is a property of the use, not of the weights.</summary>
    public const int DefaultSequenceLength = 50;
}

/// <summary>
/// Infers a model declaration from the tensor names and shapes of a PyTorch <c>state_dict</c> saved as safetensors
/// (<c>weight_ih_l{k}[_reverse]</c> [G·H, in], <c>weight_hh_l{k}</c> [G·H, P], <c>bias_*</c> [G·H], <c>weight_hr_l{k}</c> [P, H],
/// <c>embedding.weight</c> [V, E], <c>head.weight</c> [K, D·P], <c>head.bias</c> [K]). The gate count G = rows / H tells the
/// cell (4 LSTM, 3 GRU, 1 RNN). RnnGen's export metadata (<c>cell</c>, <c>head</c>), when present, settles what shapes cannot.
/// </summary>
internal static class ArchitectureInference
{
    private static readonly Regex RecurrentName = new(@"^(?<prefix>(?:.*\.)?)(?<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(?<layer>\d+)(?<reverse>_reverse)?$", RegexOptions.CultureInvariant);

    private sealed record Tensor(string Name, string DType, int[] Shape)
    {
        public string ShapeText => "[" + string.Join(", ", Shape) + "]";
        public override string ToString() => $"{Name} {ShapeText}";
    }

    private sealed class Direction
    {
        public Tensor? WeightIh, WeightHh, BiasIh, BiasHh, WeightHr;
    }

    public static InferredModel Infer(WeightsFileHeader header, InferenceOptions options)
    {
        var parts = new List<string>();
        var defaults = new List<string>();
        var warnings = new List<string>();
        var errors = new List<string>();
        string? metadataCell = header.MetadataValue("cell");
        string? metadataHead = header.MetadataValue("head");

        var tensors = header.Tensors.Select(t => new Tensor(t.Name, t.DType, t.Shape.ToArray())).ToList();
        foreach (var t in tensors.Where(t => t.DType != "F32"))
            warnings.Add($"{t}: dtype {t.DType}; RnnGen loads F32 only, so export with model.float() before saving");

        // Recurrent tensors, grouped by module prefix, layer and direction.
        var recurrent = new List<(Tensor Tensor, Match Match)>();
        var unknown = new List<Tensor>();
        Tensor? embedding = null, headWeight = null, headBias = null;
        foreach (var t in tensors)
        {
            var match = RecurrentName.Match(t.Name);
            if (match.Success) recurrent.Add((t, match));
            else if (t.Name == "embedding.weight") embedding = t;
            else if (t.Name == "head.weight") headWeight = t;
            else if (t.Name == "head.bias") headBias = t;
            else unknown.Add(t);
        }

        var prefixes = recurrent.Select(r => r.Match.Groups["prefix"].Value).Distinct(StringComparer.Ordinal).ToList();
        if (prefixes.Count == 0)
        {
            errors.Add("no recurrent tensors: expected PyTorch nn.LSTM / nn.GRU / nn.RNN state_dict names such as weight_ih_l0 and weight_hh_l0"
                + (tensors.Count == 0 ? " (the file holds no tensors)" : $"; the file has {Describe(tensors)}"));
            return new InferredModel(null, "", parts, defaults, warnings, errors);
        }
        if (prefixes.Count > 1)
        {
            errors.Add($"recurrent tensors under {prefixes.Count} module prefixes ({string.Join(", ", prefixes.Select(p => $"'{p}'"))}): one RnnGen model holds one stack of recurrent layers; export each module to its own file");
            return new InferredModel(null, "", parts, defaults, warnings, errors);
        }
        string prefix = prefixes[0];

        var byLayer = new SortedDictionary<int, Direction[]>();
        foreach (var (t, m) in recurrent)
        {
            if (!int.TryParse(m.Groups["layer"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int layer))
            {
                errors.Add($"{t}: layer index out of range");
                continue;
            }
            if (!byLayer.TryGetValue(layer, out var directions)) byLayer[layer] = directions = [new Direction(), new Direction()];
            var d = directions[m.Groups["reverse"].Success ? 1 : 0];
            switch (m.Groups["kind"].Value)
            {
                case "weight_ih": d.WeightIh = t; break;
                case "weight_hh": d.WeightHh = t; break;
                case "bias_ih": d.BiasIh = t; break;
                case "bias_hh": d.BiasHh = t; break;
                default: d.WeightHr = t; break;
            }
        }
        int layerCount = byLayer.Keys.Max() + 1;
        var missingLayers = Enumerable.Range(0, layerCount).Where(k => !byLayer.ContainsKey(k)).ToList();
        if (missingLayers.Count > 0)
        {
            errors.Add($"layers {string.Join(", ", byLayer.Keys)} have tensors but layer {string.Join(", ", missingLayers)} has none: layers must be numbered 0, 1, 2, … without gaps");
            return new InferredModel(null, prefix, parts, defaults, warnings, errors);
        }

        // Layer 0's input is the embedding dimension when there is one.
        int? input = null;
        if (embedding is not null)
        {
            if (embedding.Shape.Length != 2) errors.Add($"{embedding}: an embedding table must be 2-D [vocabulary, dimension]");
            else input = embedding.Shape[1];
        }

        var layers = new List<LayerSpec>();
        int? layerInput = input;
        for (int k = 0; k < layerCount; k++)
        {
            var layer = InferLayer(k, byLayer[k], layerInput, metadataCell, errors, defaults);
            if (layer is null) return new InferredModel(null, prefix, parts, defaults, warnings, errors);
            layers.Add(layer.Value.Spec);
            parts.Add(layer.Value.Description);
            if (k == 0) input ??= layer.Value.Input;
            layerInput = layer.Value.Spec.Width;
        }
        int top = layers[^1].Width;

        EmbeddingSpec? embeddingSpec = null;
        if (embedding is { Shape.Length: 2 })
        {
            embeddingSpec = new EmbeddingSpec(embedding.Shape[0], embedding.Shape[1]);
            parts.Insert(0, $"embedding      {embedding.Shape[0]} tokens → {embedding.Shape[1]} floats ({embedding})");
        }
        else
        {
            parts.Insert(0, $"input          {input} floats per step (from {byLayer[0][0].WeightIh})");
        }

        HeadSpec? head = null;
        if (headWeight is null && headBias is not null)
            errors.Add($"{headBias} has no head.weight beside it");
        else if (headWeight is not null)
            head = InferHead(headWeight, headBias, top, metadataHead, parts, defaults, errors);

        if ((embedding is not null || headWeight is not null) && prefix != "rnn.")
            warnings.Add($"the recurrent tensors are under '{prefix}', but a model with {(embedding is not null ? "an embedding" : "a head")} loads them as 'rnn.weight_ih_l0', …: rename the module to 'rnn' in PyTorch (or the tensors) before exporting");

        var linear = head is null ? unknown.FirstOrDefault(t => LooksLikeLinear(t, top)) : null;
        foreach (var t in unknown)
        {
            string where = t.Name.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length > 0
                ? $"it is under '{prefix}', so LoadWeights rejects it unless WeightLoadOptions.IgnoreExtraTensors is set"
                : "LoadWeights ignores it";
            warnings.Add($"{t}: not an RnnGen tensor (recurrent weight_*/bias_*_l{{k}}, embedding.weight, head.weight, head.bias); {where}");
        }
        if (linear is not null)
        {
            string module = linear.Name[..^"weight".Length];
            warnings.Add($"{module}weight looks like a Linear layer over the recurrent outputs; to declare it as the [Dense] head, export it as head.weight"
                + (unknown.Any(t => t.Name == module + "bias") ? $" and {module}bias as head.bias" : "")
                + (prefix == "rnn." ? "" : ", and the recurrent tensors under 'rnn.'"));
        }

        if (errors.Count > 0) return new InferredModel(null, prefix, parts, defaults, warnings, errors);

        int window = options.SequenceLength ?? InferenceOptions.DefaultSequenceLength;
        if (options.SequenceLength is null)
            defaults.Add($"SequenceLength = {window}: the unroll window is not in the weights; set it to the longest sequence Forward/Backward will see (--sequence-length N)");

        var spec = new ModelSpec(
            Namespace: options.Namespace,
            TypeName: options.TypeName,
            ContainingTypes: EquatableArray<ContainingType>.Empty,
            InputSize: input!.Value,
            SequenceLength: window,
            Embedding: embeddingSpec,
            Layers: layers.ToEquatableArray(),
            Head: head);
        return new InferredModel(spec, prefix, parts, defaults, warnings, errors);
    }

    private static (LayerSpec Spec, int Input, string Description)? InferLayer(int k, Direction[] directions, int? expectedInput, string? metadataCell, List<string> errors, List<string> defaults)
    {
        var forward = directions[0];
        var reverse = directions[1];
        bool bidirectional = reverse.WeightIh is not null || reverse.WeightHh is not null || reverse.BiasIh is not null || reverse.BiasHh is not null || reverse.WeightHr is not null;
        string suffix = $"_l{k}";
        if (forward.WeightIh is null || forward.WeightHh is null)
        {
            errors.Add($"layer {k} lacks {(forward.WeightIh is null ? "weight_ih" : "weight_hh")}{suffix}: every layer needs weight_ih{suffix} and weight_hh{suffix}");
            return null;
        }
        var ih = forward.WeightIh;
        var hh = forward.WeightHh;
        if (ih.Shape.Length != 2 || hh.Shape.Length != 2)
        {
            errors.Add($"{(ih.Shape.Length != 2 ? ih : hh)}: must be 2-D");
            return null;
        }

        int rows = hh.Shape[0];
        int hidden, projection = 0;
        if (forward.WeightHr is { } hr)
        {
            if (hr.Shape.Length != 2 || hr.Shape[0] != hh.Shape[1] || hr.Shape[0] >= hr.Shape[1])
            {
                errors.Add($"{hr}: a projection is [P, H] with P < H and P = the columns of {hh}");
                return null;
            }
            hidden = hr.Shape[1];
            projection = hr.Shape[0];
            if (rows != 4 * hidden)
            {
                errors.Add($"{hr} means an LSTM with projection (H = {hidden}), but {hh} has {rows} rows, not 4·H = {4 * hidden}");
                return null;
            }
        }
        else
        {
            hidden = hh.Shape[1];
            if (hidden == 0 || rows % hidden != 0 || rows / hidden is not (1 or 3 or 4))
            {
                errors.Add($"{hh}: rows must be 4·H (LSTM), 3·H (GRU) or H (RNN) for H = {hidden} columns; this is none of them (unsupported architecture)");
                return null;
            }
        }
        int gates = rows / hidden;
        int output = projection > 0 ? projection : hidden;

        if (ih.Shape[0] != rows)
        {
            errors.Add($"{ih} and {hh} disagree: both must have G·H = {rows} rows");
            return null;
        }
        int input = ih.Shape[1];
        if (expectedInput is int want && input != want)
        {
            errors.Add(k == 0
                ? $"{ih} takes {input} inputs, but the embedding has dimension {want}"
                : $"{ih} takes {input} inputs, but layer {k - 1} outputs {want} floats per step");
            return null;
        }

        bool bias = forward.BiasIh is not null || forward.BiasHh is not null;
        if (!CheckBias(forward, rows, suffix, errors)) return null;
        if (bidirectional && !CheckReverse(forward, reverse, suffix, errors)) return null;

        CellKind cell;
        string cellText;
        bool resetAfter = true;
        switch (gates)
        {
            case 4:
                cell = CellKind.Lstm;
                cellText = projection > 0 ? $"LSTM  hidden {hidden}, projection {projection}" : $"LSTM  hidden {hidden}";
                CheckMetadata(metadataCell, "lstm", k, errors);
                break;
            case 3:
                cell = CellKind.Gru;
                cellText = $"GRU   hidden {hidden}";
                CheckMetadata(metadataCell, "gru", k, errors);
                if (metadataCell != "gru")
                    AddOnce(defaults, "GRU ResetAfter = true: where the reset gate applies is not in the weights. PyTorch nn.GRU, Keras reset_after=True (TF2's default) and ONNX linear_before_reset=1 apply it after the recurrent matmul; for Keras reset_after=False or ONNX's default linear_before_reset=0 write [Gru(H, ResetAfter = false)]");
                break;
            default:
                if (metadataCell == "rnn_relu")
                {
                    cell = CellKind.RnnRelu;
                    cellText = $"RNN   hidden {hidden}, relu (from metadata)";
                }
                else
                {
                    cell = CellKind.RnnTanh;
                    cellText = $"RNN   hidden {hidden}, tanh";
                    if (metadataCell != "rnn_tanh")
                        AddOnce(defaults, "RNN Activation = Tanh: the nonlinearity is not in the weights. tanh is PyTorch's default; if the model used nonlinearity='relu' write [Rnn(H, Activation = Activation.Relu)]");
                    else cellText += " (from metadata)";
                }
                CheckMetadata(metadataCell, metadataCell is "rnn_relu" or "rnn_tanh" ? metadataCell : "rnn_tanh", k, errors);
                break;
        }
        if (errors.Count > 0) return null;

        var spec = new LayerSpec(cell, hidden, projection, bidirectional, bias, resetAfter);
        string tensors = string.Join(", ", new[] { ih, hh, forward.BiasIh, forward.BiasHh, forward.WeightHr }.Where(t => t is not null));
        string description = $"layer {k}        {cellText}{(bidirectional ? ", bidirectional" : "")}{(bias ? "" : ", no bias")}  ({tensors}{(bidirectional ? " and _reverse" : "")})";
        return (spec, input, description);
    }

    private static bool CheckBias(Direction d, int rows, string suffix, List<string> errors)
    {
        if ((d.BiasIh is null) != (d.BiasHh is null))
        {
            errors.Add($"{d.BiasIh ?? d.BiasHh} has no {(d.BiasIh is null ? "bias_ih" : "bias_hh")}{suffix} beside it: a layer has both biases or neither");
            return false;
        }
        foreach (var b in new[] { d.BiasIh, d.BiasHh })
        {
            if (b is not null && (b.Shape.Length != 1 || b.Shape[0] != rows))
            {
                errors.Add($"{b}: expected [{rows}] (one per row of weight_hh{suffix})");
                return false;
            }
        }
        return true;
    }

    private static bool CheckReverse(Direction forward, Direction reverse, string suffix, List<string> errors)
    {
        var pairs = new[]
        {
            ("weight_ih", forward.WeightIh, reverse.WeightIh), ("weight_hh", forward.WeightHh, reverse.WeightHh),
            ("bias_ih", forward.BiasIh, reverse.BiasIh), ("bias_hh", forward.BiasHh, reverse.BiasHh), ("weight_hr", forward.WeightHr, reverse.WeightHr),
        };
        foreach (var (kind, f, r) in pairs)
        {
            if (f is null && r is null) continue;
            if (f is null || r is null)
            {
                errors.Add(f is null
                    ? $"{r} has no forward counterpart {kind}{suffix}"
                    : $"{f} has no reverse counterpart {kind}{suffix}_reverse: both directions of a bidirectional layer have the same tensors");
                return false;
            }
            if (!f.Shape.SequenceEqual(r.Shape))
            {
                errors.Add($"{r} differs from {f}: both directions have the same shapes");
                return false;
            }
        }
        return true;
    }

    private static HeadSpec? InferHead(Tensor weight, Tensor? bias, int top, string? metadataHead, List<string> parts, List<string> defaults, List<string> errors)
    {
        if (weight.Shape.Length != 2 || weight.Shape[1] != top)
        {
            errors.Add($"{weight}: a head over the last layer is [K, {top}] (its input is the last layer's {top} floats per step)");
            return null;
        }
        int outputs = weight.Shape[0];
        if (bias is not null && (bias.Shape.Length != 1 || bias.Shape[0] != outputs))
        {
            errors.Add($"{bias}: expected [{outputs}] to match {weight}");
            return null;
        }
        bool everyStep = metadataHead == "linear_every_step";
        if (metadataHead is not ("linear_every_step" or "linear_last_step"))
            defaults.Add("Dense activation Linear, Over = Steps.Last: a head's activation and which steps it reads are not in the weights. For one output row per step write Over = Steps.Every; for probabilities Activation.Softmax or Activation.Sigmoid");
        parts.Add($"head           Dense {outputs} over {(everyStep ? "every step" : "the last step")}{(bias is null ? ", no bias" : "")}  ({weight}{(bias is null ? "" : ", " + bias)})");
        return new HeadSpec(outputs, Generator.Contract.Activation.Linear, everyStep, bias is not null);
    }

    private static void CheckMetadata(string? metadataCell, string expected, int k, List<string> errors)
    {
        if (metadataCell is null or "") return;
        bool agrees = expected == metadataCell || (expected == "rnn_tanh" && metadataCell is "rnn_tanh" or "rnn_relu");
        if (!agrees) errors.Add($"metadata says cell '{metadataCell}', but the shapes of layer {k} are those of a{(expected == "lstm" ? "n LSTM" : expected == "gru" ? " GRU" : "n RNN")}");
    }

    private static bool LooksLikeLinear(Tensor t, int top) => t.Name.EndsWith(".weight", StringComparison.Ordinal) && t.Shape.Length == 2 && t.Shape[1] == top;

    private static void AddOnce(List<string> list, string line)
    {
        if (!list.Contains(line)) list.Add(line);
    }

    private static string Describe(List<Tensor> tensors)
        => tensors.Count <= 6 ? string.Join(", ", tensors) : string.Join(", ", tensors.Take(6)) + $" and {tensors.Count - 6} more";
}
