namespace RnnGen.Generator.Model;

/// <summary>
/// The model's tensors as PyTorch names them: every parameter tensor's <c>state_dict</c> name, shape and offset in
/// the flat parameter buffer, and every piece of the recurrent state with its offset in the flat state buffer.
/// Parameter order is PyTorch's: embedding, then per layer (forward direction before reverse) weight_ih, weight_hh,
/// bias_ih, bias_hh, weight_hr; then the head's dense layers, weight before bias. State order: per layer and direction,
/// h (P floats) then c (H, LSTM). Both the emitter (offsets) and the build-time weights check (names and shapes) read
/// this one table, and it is the one place tensor names are made:
/// <list type="bullet">
/// <item>an embedding: <c>{Module}.weight</c>, or <c>embedding.weight</c>;</item>
/// <item>a run of consecutive recurrent layers with the same <c>Module</c> is one multi-layer PyTorch module,
/// <c>{Module}.weight_ih_l{j}[_reverse]</c> … with j counting from 0 within the run; without a Module the run is under
/// <c>rnn.</c> when the model has a head or an embedding (else no prefix), so a model without any Module numbers its
/// layers over the whole stack, as before;</item>
/// <item>a dense layer: <c>{Module}.weight</c> and <c>.bias</c>, or <c>head.</c> for a one-layer head and <c>head.{i}.</c> in an MLP.</item>
/// </list>
/// State names (<c>h_l0</c>, <c>c_l1_reverse</c>) count layers over the whole stack whatever the modules.
/// </summary>
internal sealed class ParameterTable
{
    public ParameterTable(ModelSpec spec)
    {
        int offset = 0, part = 0;
        ParameterEntry Add(string name, string key, params int[] shape)
        {
            var entry = new ParameterEntry(name, key, offset, shape, part);
            _parameters.Add(entry);
            offset += entry.Length;
            return entry;
        }

        if (spec.Embedding is { } embedding)
        {
            Embedding = Add((embedding.Module ?? "embedding") + ".weight", "EmbeddingWeight", embedding.VocabularySize, embedding.Dimension);
            part++;
        }

        int input = spec.InputSize, state = 0;
        for (int k = 0; k < spec.Layers.Count; k++, part++)
        {
            var layer = spec.Layers[k];
            string prefix = RecurrentPrefix(spec, k, out int j);
            var directions = new List<DirectionTensors>();
            for (int d = 0; d < layer.Directions; d++)
            {
                string suffix = d == 0 ? "" : "_reverse";
                string id = $"L{k}{(d == 0 ? "" : "Reverse")}";
                int gates = layer.GateCount * layer.HiddenSize;
                var weightIh = Add($"{prefix}weight_ih_l{j}{suffix}", "WeightIh" + id, gates, input);
                var weightHh = Add($"{prefix}weight_hh_l{j}{suffix}", "WeightHh" + id, gates, layer.OutputSize);
                ParameterEntry? biasIh = null, biasHh = null, weightHr = null;
                if (layer.Bias)
                {
                    biasIh = Add($"{prefix}bias_ih_l{j}{suffix}", "BiasIh" + id, gates);
                    biasHh = Add($"{prefix}bias_hh_l{j}{suffix}", "BiasHh" + id, gates);
                }
                if (layer.ProjectionSize > 0)
                    weightHr = Add($"{prefix}weight_hr_l{j}{suffix}", "WeightHr" + id, layer.ProjectionSize, layer.HiddenSize);

                var hidden = new StateEntry($"h_l{k}{suffix}", "StateH" + id, k, d, StateKind.Hidden, state, layer.OutputSize);
                _states.Add(hidden);
                state += layer.OutputSize;
                StateEntry? cell = null;
                if (layer.HasCellState)
                {
                    cell = new StateEntry($"c_l{k}{suffix}", "StateC" + id, k, d, StateKind.Cell, state, layer.HiddenSize);
                    _states.Add(cell);
                    state += layer.HiddenSize;
                }
                directions.Add(new DirectionTensors(weightIh, weightHh, biasIh, biasHh, weightHr, hidden, cell));
            }
            _layers.Add(directions);
            input = layer.Width;
        }

        if (spec.Head is { } head)
        {
            int count = head.Layers.Count;
            for (int i = 0; i < count; i++, part++)
            {
                var dense = head.Layers[i];
                string prefix = dense.Module is { } module ? module + "." : count == 1 ? "head." : $"head.{i}.";
                // A one-layer head keeps the keys HeadWeight / HeadBias, which Step's folded head reads.
                string key = count == 1 ? "Head" : $"Head{i}";
                var weight = Add(prefix + "weight", key + "Weight", dense.Outputs, input);
                var bias = dense.Bias ? Add(prefix + "bias", key + "Bias", dense.Outputs) : null;
                _dense.Add(new DenseTensors(weight, bias, input, dense.Outputs));
                input = dense.Outputs;
            }
        }

        ParameterCount = offset;
        StateSize = state;
    }

    /// <summary>
    /// The prefix of layer <paramref name="k"/>'s tensors and its index <paramref name="j"/> within its PyTorch module:
    /// consecutive layers with the same Module (null included) are one module's layers 0, 1, ….
    /// </summary>
    private static string RecurrentPrefix(ModelSpec spec, int k, out int j)
    {
        string? module = spec.Layers[k].Module;
        int start = k;
        while (start > 0 && spec.Layers[start - 1].Module == module) start--;
        j = k - start;
        if (module is not null) return module + ".";
        return spec.Head is not null || spec.Embedding is not null ? "rnn." : "";
    }

    private readonly List<ParameterEntry> _parameters = [];
    private readonly List<StateEntry> _states = [];
    private readonly List<IReadOnlyList<DirectionTensors>> _layers = [];
    private readonly List<DenseTensors> _dense = [];

    /// <summary>Every parameter tensor in <c>state_dict</c> order.</summary>
    public IReadOnlyList<ParameterEntry> Parameters => _parameters;

    /// <summary>Every state piece in state order.</summary>
    public IReadOnlyList<StateEntry> States => _states;

    /// <summary>Per layer, per direction (forward, then reverse), its tensors and state pieces.</summary>
    public IReadOnlyList<IReadOnlyList<DirectionTensors>> Layers => _layers;

    /// <summary>The head's dense layers in order; empty without a head.</summary>
    public IReadOnlyList<DenseTensors> Dense => _dense;

    /// <summary>Pairs of parameters with the same name (a later one and the first with its name), in parameter order.</summary>
    public IEnumerable<(ParameterEntry First, ParameterEntry Again)> Duplicates()
    {
        var seen = new Dictionary<string, ParameterEntry>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            if (seen.TryGetValue(p.Name, out var first)) yield return (first, p);
            else seen[p.Name] = p;
        }
    }

    public ParameterEntry? Embedding { get; }
    public int ParameterCount { get; }
    public int StateSize { get; }
}

/// <summary>
/// One parameter tensor: its <c>state_dict</c> name, the identifier the emitted class names its offset by
/// (<see cref="Key"/>, e.g. <c>WeightIhL0</c>), its offset in the flat buffer, its shape, and the declaration part it
/// belongs to (<see cref="Part"/>: the index of its layer attribute, counting the embedding, the recurrent layers and
/// the dense layers in declaration order).
/// </summary>
internal sealed record ParameterEntry(string Name, string Key, int Offset, int[] Shape, int Part)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>Kinds of state piece; the names match the runtime's <c>RnnGen.StateKind</c>, which the emitted table uses.</summary>
internal enum StateKind { Hidden, Cell }

/// <summary>One piece of the recurrent state: its name (<c>h_l0</c>, <c>c_l1_reverse</c>), offset identifier, place and size.</summary>
internal sealed record StateEntry(string Name, string Key, int Layer, int Direction, StateKind Kind, int Offset, int Length);

/// <summary>The tensors and state pieces of one direction of one layer; the optional ones are null when the layer has none.</summary>
internal sealed record DirectionTensors(
    ParameterEntry WeightIh,
    ParameterEntry WeightHh,
    ParameterEntry? BiasIh,
    ParameterEntry? BiasHh,
    ParameterEntry? WeightHr,
    StateEntry Hidden,
    StateEntry? Cell);

/// <summary>One dense layer of the head: its weight [outputs, inputs], its bias when it has one, and its sizes.</summary>
internal sealed record DenseTensors(ParameterEntry Weight, ParameterEntry? Bias, int Inputs, int Outputs);
