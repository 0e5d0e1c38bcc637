using System.Globalization;
using System.Text.RegularExpressions;
using RnnGen.Generator.Parsing;
using RnnGen.Import;
using RnnGen.Import.Model;
using RnnGen.Weights;

namespace RnnGen.Cli.Inspection;

/// <summary>What <see cref="ArchitectureInference"/> found in a weights file.</summary>
/// <param name="Model">The model to declare, or null when <see cref="Errors"/> says why none fits.</param>
/// <param name="Parts">One line per recognised part (input, embedding, each layer, each dense layer), naming every tensor it rests on.</param>
/// <param name="Defaults">Choices the weights cannot tell, each with how to change it.</param>
/// <param name="Warnings">Tensors that are not understood (by name), and what will not load as it is.</param>
/// <param name="Errors">Inconsistent or unsupported tensors, by name; the file cannot be declared as it is.</param>
/// <param name="RecordedDeclaration">The declaration the file's metadata records (written by rnngen import), if any.</param>
internal sealed record InferredModel(
    ModelDescription? Model,
    int SequenceLength,
    InferenceOptions Options,
    IReadOnlyList<string> Parts,
    IReadOnlyList<string> Defaults,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Errors,
    string? RecordedDeclaration = null)
{
    /// <summary>The declaration to paste: the recorded one, else the inferred one; null when nothing fits.</summary>
    public string? Declaration(string @namespace = "")
        => RecordedDeclaration ?? (Model is null ? null : DeclarationText.Write(Model, Options.TypeName, SequenceLength, @namespace.Length > 0 ? @namespace : Options.Namespace));
}

/// <summary>Options for <see cref="ArchitectureInference.Infer"/>.</summary>
internal sealed record InferenceOptions(string TypeName = "Model", string Namespace = "", int? SequenceLength = null)
{
    /// <summary>The window chosen when none is given: SequenceLength is a property of the use, not of the weights.</summary>
    public const int DefaultSequenceLength = ImportedModel.DefaultSequenceLength;
}

/// <summary>
/// Infers a whole model from a PyTorch <c>state_dict</c> saved as safetensors, with the module's own names: recurrent
/// modules (<c>{module}.weight_ih_l{k}[_reverse]</c> [G·H, in], <c>weight_hh</c> [G·H, P], <c>bias_*</c> [G·H],
/// <c>weight_hr</c> [P, H]; G = rows / H tells the cell: 4 LSTM, 3 GRU, 1 RNN), several of them stacked by hand, an
/// embedding (a weight-only [V, E] module feeding layer 0), and Linear layers (<c>{module}.weight</c> [out, in],
/// <c>.bias</c> [out]) chained from the top layer's width into a head, <c>nn.Sequential</c> indices giving their order.
/// The declaration names each part's module (the contract's <c>Module = …</c>) unless the file uses the default names.
/// RnnGen's export metadata (<c>cell</c>, <c>head</c>), when present, settles what shapes cannot. Every tensor of the
/// file ends up in a part or in a warning.
/// </summary>
internal static class ArchitectureInference
{
    private static readonly Regex RecurrentName = new(@"^(?<prefix>(?:.*\.)?)(?<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(?<layer>\d+)(?<reverse>_reverse)?$", RegexOptions.CultureInvariant);
    private static readonly Regex SequentialIndex = new(@"^(?<parent>.*)\.(?<index>\d+)$", RegexOptions.CultureInvariant);

    private sealed record Tensor(string Name, string DType, int[] Shape)
    {
        public string ShapeText => "[" + string.Join(", ", Shape) + "]";
        public override string ToString() => $"{Name} {ShapeText}";
    }

    private sealed class Direction
    {
        public Tensor? WeightIh, WeightHh, BiasIh, BiasHh, WeightHr;
        public IEnumerable<Tensor> All => new[] { WeightIh, WeightHh, BiasIh, BiasHh, WeightHr }.OfType<Tensor>();
    }

    /// <summary>One recurrent PyTorch module (one prefix): its layers numbered from 0.</summary>
    private sealed record RecurrentModule(string Prefix, int FirstIndex, SortedDictionary<int, Direction[]> Layers)
    {
        public string Module => Prefix.TrimEnd('.');
    }

    /// <summary>A module with a 2-D weight and maybe a 1-D bias: a Linear layer, or (weight only) an embedding table.</summary>
    private sealed record LinearModule(string Module, Tensor Weight, Tensor? Bias, int FirstIndex)
    {
        public int Outputs => Weight.Shape[0];
        public int Inputs => Weight.Shape[1];
    }

    public static InferredModel Infer(WeightsFileHeader header, InferenceOptions options)
    {
        var parts = new List<string>();
        var defaults = new List<string>();
        var warnings = new List<string>();
        var errors = new List<string>();
        string? metadataCell = header.MetadataValue("cell");
        string? metadataHead = header.MetadataValue("head");
        string? recorded = header.MetadataValue(ImportedModel.DeclarationKey);
        int window = options.SequenceLength ?? InferenceOptions.DefaultSequenceLength;
        InferredModel Result(ModelDescription? model) => new(model, window, options, parts, defaults, warnings, errors, model is null ? null : recorded);

        var tensors = header.Tensors.Select(t => new Tensor(t.Name, t.DType, t.Shape.ToArray())).ToList();
        // Quantized recurrent weights (rnngen quantize, SaveWeights of a low-precision model) load into any model: an I8
        // tensor's per-row scales belong to it, not to a module of their own.
        var int8 = tensors.Where(t => t.DType == SafeTensor.Int8).Select(t => t.Name + WeightQuantization.ScaleSuffix).ToHashSet(StringComparer.Ordinal);
        tensors = tensors.Where(t => !int8.Contains(t.Name)).ToList();
        foreach (var t in tensors.Where(t => t.DType is not (SafeTensor.Float32 or SafeTensor.Int8 or SafeTensor.BFloat16)))
            warnings.Add($"{t}: dtype {t.DType}; RnnGen loads F32 (and I8, BF16 recurrent weights) only, so export with model.float() before saving");
        if (tensors.FirstOrDefault(t => t.DType is SafeTensor.Int8 or SafeTensor.BFloat16) is { } low)
            defaults.Add($"{low.Name} is {low.DType}: any model loads it (as q · scale, or the bfloat16 value); declare Precision = WeightPrecision.{(low.DType == SafeTensor.Int8 ? "Int8" : "BFloat16")} to run it as it is");

        // Recurrent tensors by module prefix; everything else by module path (the name up to its last dot).
        var modules = new List<RecurrentModule>();
        var others = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
        var otherOrder = new List<string>();
        var notUnderstood = new List<Tensor>();
        for (int index = 0; index < tensors.Count; index++)
        {
            var t = tensors[index];
            var match = RecurrentName.Match(t.Name);
            if (match.Success)
            {
                string prefix = match.Groups["prefix"].Value;
                var module = modules.FirstOrDefault(m => m.Prefix == prefix);
                if (module is null) modules.Add(module = new RecurrentModule(prefix, index, []));
                if (!int.TryParse(match.Groups["layer"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int layer))
                {
                    errors.Add($"{t}: layer index out of range");
                    continue;
                }
                if (!module.Layers.TryGetValue(layer, out var directions)) module.Layers[layer] = directions = [new Direction(), new Direction()];
                var d = directions[match.Groups["reverse"].Success ? 1 : 0];
                switch (match.Groups["kind"].Value)
                {
                    case "weight_ih": d.WeightIh = t; break;
                    case "weight_hh": d.WeightHh = t; break;
                    case "bias_ih": d.BiasIh = t; break;
                    case "bias_hh": d.BiasHh = t; break;
                    default: d.WeightHr = t; break;
                }
                continue;
            }
            int dot = t.Name.LastIndexOf('.');
            if (dot <= 0)
            {
                notUnderstood.Add(t);
                continue;
            }
            string path = t.Name[..dot];
            if (!others.TryGetValue(path, out var list))
            {
                others[path] = list = [];
                otherOrder.Add(path);
            }
            list.Add(t);
        }

        if (modules.Count == 0)
        {
            errors.Add("no recurrent tensors: expected PyTorch nn.LSTM / nn.GRU / nn.RNN state_dict names such as weight_ih_l0 and weight_hh_l0"
                + (tensors.Count == 0 ? " (the file holds no tensors)" : $"; the file has {Describe(tensors)}"));
            return Result(null);
        }

        // Linear-shaped modules: {weight [out, in]} or {weight, bias [out]}; anything else is not understood.
        var linears = new List<LinearModule>();
        foreach (string path in otherOrder)
        {
            var list = others[path];
            var weight = list.FirstOrDefault(t => t.Name == path + ".weight");
            var bias = list.FirstOrDefault(t => t.Name == path + ".bias");
            bool linear = weight is { Shape.Length: 2 } && list.Count == (bias is null ? 1 : 2) && (bias is null || bias.Shape.SequenceEqual([weight.Shape[0]]));
            if (linear) linears.Add(new LinearModule(path, weight!, bias, tensors.IndexOf(weight!)));
            else notUnderstood.AddRange(list);
        }

        // Layers, module by module, in the order the modules chain (file order first).
        var ordered = ChainModules(modules, errors);
        if (ordered is null) return Result(null);
        var layers = new List<RecurrentLayer>();
        var layerInputs = new List<int>();
        foreach (var module in ordered)
        {
            int count = module.Layers.Keys.Max() + 1;
            var missing = Enumerable.Range(0, count).Where(k => !module.Layers.ContainsKey(k)).ToList();
            if (missing.Count > 0)
            {
                errors.Add($"{Where(module)}layers {string.Join(", ", module.Layers.Keys)} have tensors but layer {string.Join(", ", missing)} has none: layers must be numbered 0, 1, 2, … without gaps");
                return Result(null);
            }
            for (int k = 0; k < count; k++)
            {
                int? expected = layers.Count > 0 ? layers[^1].Width : null;
                var layer = InferLayer(module, k, module.Layers[k], expected, metadataCell, errors, defaults);
                if (layer is null) return Result(null);
                layers.Add(layer.Value.Spec with { Module = module.Module });
                layerInputs.Add(layer.Value.Input);
                parts.Add(layer.Value.Description);
            }
        }
        int input = layerInputs[0];
        int top = layers[^1].Width;

        // An embedding: a weight-only [V, E] module with E = layer 0's input, named like one or stored before the layers.
        EmbeddingLayer? embedding = null;
        var tables = linears.Where(l => l.Bias is null && l.Inputs == input).ToList();
        var table = tables.FirstOrDefault(l => l.Module.Contains("emb", StringComparison.OrdinalIgnoreCase))
            ?? tables.FirstOrDefault(l => l.FirstIndex < ordered[0].FirstIndex);
        if (table is not null)
        {
            linears.Remove(table);
            embedding = new EmbeddingLayer(table.Outputs, table.Inputs, table.Module);
            parts.Insert(0, $"embedding      {table.Outputs} tokens → {table.Inputs} floats ({table.Weight})");
        }
        else
        {
            parts.Insert(0, $"input          {input} floats per step (from {ordered[0].Layers[0][0].WeightIh})");
        }

        foreach (var misfit in linears.Where(l => l.Bias is null && l.Module.Contains("emb", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            errors.Add($"{misfit.Weight} looks like an embedding table, but its rows have {misfit.Inputs} floats and the first recurrent layer reads {input}");
            linears.Remove(misfit);
        }

        var head = InferHead(linears, top, metadataHead, parts, defaults);
        foreach (var unused in linears)
            warnings.Add($"{unused.Weight}{(unused.Bias is null ? "" : $" and {unused.Bias}")}: a Linear layer [{unused.Outputs}, {unused.Inputs}] that does not continue the head (it reads {unused.Inputs} floats; the head's last layer gives {(head.Count > 0 ? head[^1].Outputs : top)}); not part of the declaration");
        foreach (var t in notUnderstood)
            warnings.Add($"{t}: not understood (not a recurrent weight_*/bias_*_l{{k}}, an embedding table or a Linear weight/bias); not part of the declaration, so load with WeightLoadOptions.IgnoreExtraTensors if it sits under a layer's module");
        if (errors.Count > 0) return Result(null);

        var over = metadataHead == "linear_every_step" ? HeadSteps.Every : HeadSteps.Last;
        var model = new ModelDescription(input, embedding, layers, head, over);
        model = WithModuleNamesIfNeeded(model, tensors.Except(notUnderstood).Except(linears.SelectMany(l => new[] { l.Weight, l.Bias }).OfType<Tensor>()).Select(t => t.Name).ToHashSet(), errors, ordered);
        if (model is null) return Result(null);

        if (head.Count > 0 && metadataHead is not ("linear_every_step" or "linear_last_step"))
            defaults.Add($"Over = Steps.Last: which steps the head reads is not in the weights. For one output row per step write Over = Steps.Every; for PyTorch's h_n (fc(h_n[-1]), fc(cat(h_n[-2], h_n[-1]))) write Over = Steps.Final{(layers[^1].Bidirectional ? " — for this bidirectional layer h_n differs from the last step" : " (for this unidirectional layer the same values as Last)")}");
        if (head.Count > 0 && metadataHead is not ("linear_every_step" or "linear_last_step"))
            defaults.Add($"the last dense layer's activation is Linear (logits): it is applied in forward(), not stored; for probabilities write Activation.Softmax or Activation.Sigmoid on [Dense({head[^1].Outputs}…)]");
        if (options.SequenceLength is null)
            defaults.Add($"SequenceLength = {window}: the unroll window is not in the weights; set it to the longest sequence Forward/Backward will see (--sequence-length N)");
        if (recorded is not null)
            defaults.Insert(0, "the file records the declaration it was written with (SaveWeights or rnngen import); it is printed below as recorded");
        return Result(model);
    }

    /// <summary>
    /// Puts the recurrent modules in stack order: the file's order if each module's first layer reads the previous
    /// module's outputs, otherwise the one order in which they chain.
    /// </summary>
    private static List<RecurrentModule>? ChainModules(List<RecurrentModule> modules, List<string> errors)
    {
        if (modules.Count == 1) return modules;
        int? InputOf(RecurrentModule m) => m.Layers.TryGetValue(0, out var d) && d[0].WeightIh is { Shape.Length: 2 } w ? w.Shape[1] : null;
        int? WidthOf(RecurrentModule m)
        {
            var last = m.Layers[m.Layers.Keys.Max()];
            var hh = last[0].WeightHh;
            if (hh is not { Shape.Length: 2 }) return null;
            int p = last[0].WeightHr is { Shape.Length: 2 } hr ? hr.Shape[0] : hh.Shape[1];
            return (last[1].WeightIh is not null ? 2 : 1) * p;
        }
        bool Chains(IReadOnlyList<RecurrentModule> order) => order.Zip(order.Skip(1)).All(pair => WidthOf(pair.First) is int w && InputOf(pair.Second) == w);
        if (Chains(modules)) return modules;
        if (modules.Count <= 6)
        {
            var chaining = Permutations(modules).Where(Chains).ToList();
            if (chaining.Count == 1) return chaining[0];
        }
        errors.Add($"recurrent tensors under {modules.Count} modules ({string.Join(", ", modules.Select(m => $"'{m.Module}'"))}) that do not stack: each module's first layer must read the previous module's outputs (weight_ih_l0's columns = the previous module's D·P)");
        return null;
    }

    private static IEnumerable<List<T>> Permutations<T>(List<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }
        for (int i = 0; i < items.Count; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToList()))
                yield return [items[i], .. rest];
    }

    /// <summary>Linear layers chained from the top layer's width; nn.Sequential indices say whether an activation sat between two.</summary>
    private static List<DenseLayer> InferHead(List<LinearModule> linears, int top, string? metadataHead, List<string> parts, List<string> defaults)
    {
        var head = new List<DenseLayer>();
        var chain = new List<LinearModule>();
        int width = top;
        while (true)
        {
            var next = linears.Where(l => l.Inputs == width && !chain.Contains(l)).OrderBy(l => l.FirstIndex).FirstOrDefault();
            if (next is null) break;
            chain.Add(next);
            linears.Remove(next);
            width = next.Outputs;
        }
        for (int i = 0; i < chain.Count; i++)
        {
            var l = chain[i];
            var activation = Activation.Linear;
            if (i + 1 < chain.Count)
            {
                var (a, b) = (SequentialIndex.Match(l.Module), SequentialIndex.Match(chain[i + 1].Module));
                bool sameSequential = a.Success && b.Success && a.Groups["parent"].Value == b.Groups["parent"].Value;
                if (sameSequential && int.Parse(b.Groups["index"].Value, CultureInfo.InvariantCulture) == int.Parse(a.Groups["index"].Value, CultureInfo.InvariantCulture) + 1)
                {
                    defaults.Add($"{l.Module} → {chain[i + 1].Module}: nothing sits between them in the nn.Sequential, so no activation (Linear)");
                }
                else
                {
                    activation = Activation.Relu;
                    defaults.Add(sameSequential
                        ? $"{l.Module} → {chain[i + 1].Module}: the nn.Sequential holds a module without weights between them (an activation or dropout); Relu assumed — write Activation.Tanh or Activation.Sigmoid on [Dense({l.Outputs}…)] if it was that, Activation.Linear if it was only dropout"
                        : $"{l.Module} → {chain[i + 1].Module}: the activation between them is in forward(), not in the weights; Relu assumed — change Activation.Relu on [Dense({l.Outputs}…)] if it was another");
                }
            }
            head.Add(new DenseLayer(l.Outputs, activation, l.Bias is not null, l.Module));
            string over = i > 0 ? "" : metadataHead == "linear_every_step" ? " over every step" : " over the last step";
            parts.Add($"dense {i}        Dense {l.Outputs}{over}{(l.Bias is null ? ", no bias" : "")}  ({l.Weight}{(l.Bias is null ? "" : ", " + l.Bias)})");
        }
        return head;
    }

    /// <summary>
    /// The contract's default names (rnn./embedding./head.) when they are exactly the file's names; otherwise every part
    /// names its module, which is the file's own name for it.
    /// </summary>
    private static ModelDescription? WithModuleNamesIfNeeded(ModelDescription named, HashSet<string> fileNames, List<string> errors, List<RecurrentModule> modules)
    {
        var plain = named with
        {
            Embedding = named.Embedding is { } e ? e with { Module = null } : null,
            Layers = named.Layers.Select(l => l with { Module = null }).ToList(),
            Head = named.Head.Select(d => d with { Module = null }).ToList(),
        };
        if (TensorNames.For(plain).Select(t => t.Name).ToHashSet().SetEquals(fileNames)) return plain;
        if (modules.Any(m => m.Prefix.Length == 0))
        {
            errors.Add("the recurrent tensors have no module prefix (weight_ih_l0, …) but the file has other modules too; a declaration names the layers' module: save the state_dict of the whole model (its recurrent tensors are then under e.g. 'lstm.')");
            return null;
        }
        return named;
    }

    private static string Where(RecurrentModule module) => module.Prefix.Length == 0 ? "" : $"module '{module.Module}': ";

    private static (RecurrentLayer Spec, int Input, string Description)? InferLayer(RecurrentModule module, int k, Direction[] directions, int? expectedInput, string? metadataCell, List<string> errors, List<string> defaults)
    {
        var forward = directions[0];
        var reverse = directions[1];
        bool bidirectional = reverse.All.Any();
        string suffix = $"_l{k}";
        string where = Where(module);
        if (forward.WeightIh is null || forward.WeightHh is null)
        {
            errors.Add($"{where}layer {k} lacks {module.Prefix}{(forward.WeightIh is null ? "weight_ih" : "weight_hh")}{suffix}: every layer needs weight_ih{suffix} and weight_hh{suffix}");
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

        if (ih.Shape[0] != rows)
        {
            errors.Add($"{ih} and {hh} disagree: both must have G·H = {rows} rows");
            return null;
        }
        int input = ih.Shape[1];
        if (expectedInput is int want && input != want)
        {
            errors.Add($"{ih} takes {input} inputs, but the layer below outputs {want} floats per step");
            return null;
        }

        bool bias = forward.BiasIh is not null || forward.BiasHh is not null;
        if (!CheckBias(forward, rows, suffix, errors)) return null;
        if (bidirectional && !CheckReverse(forward, reverse, suffix, errors)) return null;

        CellType cell;
        string cellText;
        bool relu = false;
        switch (gates)
        {
            case 4:
                cell = CellType.Lstm;
                cellText = projection > 0 ? $"LSTM  hidden {hidden}, projection {projection}" : $"LSTM  hidden {hidden}";
                CheckMetadata(metadataCell, "lstm", k, errors);
                break;
            case 3:
                cell = CellType.Gru;
                cellText = $"GRU   hidden {hidden}";
                CheckMetadata(metadataCell, "gru", k, errors);
                if (metadataCell != "gru")
                    AddOnce(defaults, "GRU ResetAfter = true: where the reset gate applies is not in the weights. PyTorch nn.GRU, Keras reset_after=True (TF2's default) and ONNX linear_before_reset=1 apply it after the recurrent matmul; for Keras reset_after=False or ONNX's default linear_before_reset=0 write [Gru(H, ResetAfter = false)]");
                break;
            default:
                cell = CellType.Rnn;
                if (metadataCell == "rnn_relu")
                {
                    relu = true;
                    cellText = $"RNN   hidden {hidden}, relu (from metadata)";
                }
                else
                {
                    cellText = $"RNN   hidden {hidden}, tanh";
                    if (metadataCell != "rnn_tanh")
                        AddOnce(defaults, "RNN Activation = Tanh: the nonlinearity is not in the weights. tanh is PyTorch's default; if the model used nonlinearity='relu' write [Rnn(H, Activation = Activation.Relu)]");
                    else cellText += " (from metadata)";
                }
                CheckMetadata(metadataCell, metadataCell is "rnn_relu" or "rnn_tanh" ? metadataCell : "rnn_tanh", k, errors);
                break;
        }
        if (errors.Count > 0) return null;

        var spec = new RecurrentLayer(cell, hidden, bidirectional, bias, ResetAfter: true, relu, projection);
        string tensors = string.Join(", ", forward.All);
        string label = module.Prefix.Length == 0 ? $"layer {k}" : $"{module.Module} l{k}";
        string description = $"{label,-15}{cellText}{(bidirectional ? ", bidirectional" : "")}{(bias ? "" : ", no bias")}  ({tensors}{(bidirectional ? " and their _reverse" : "")})";
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

    private static void CheckMetadata(string? metadataCell, string expected, int k, List<string> errors)
    {
        if (metadataCell is null or "") return;
        bool agrees = expected == metadataCell || (expected == "rnn_tanh" && metadataCell is "rnn_tanh" or "rnn_relu");
        if (!agrees) errors.Add($"metadata says cell '{metadataCell}', but the shapes of layer {k} are those of a{(expected == "lstm" ? "n LSTM" : expected == "gru" ? " GRU" : "n RNN")}");
    }

    private static void AddOnce(List<string> list, string line)
    {
        if (!list.Contains(line)) list.Add(line);
    }

    private static string Describe(List<Tensor> tensors)
        => tensors.Count <= 6 ? string.Join(", ", tensors) : string.Join(", ", tensors.Take(6)) + $" and {tensors.Count - 6} more";
}
