namespace RnnGen.Generator.Model;

/// <summary>
/// The model's tensors as PyTorch names them: every parameter tensor's <c>state_dict</c> name, shape and offset in
/// the flat parameter buffer, and every piece of the recurrent state with its offset in the flat state buffer.
/// Parameter order is PyTorch's: embedding, then per layer (forward direction before reverse) weight_ih, weight_hh,
/// bias_ih, bias_hh, weight_hr; then the head. State order: per layer and direction, h (P floats) then c (H, LSTM).
/// Both the emitter (offsets) and the build-time weights check (names and shapes) read this one table.
/// </summary>
internal sealed class ParameterTable
{
    public ParameterTable(ModelSpec spec)
    {
        string rnnPrefix = spec.Head is not null || spec.Embedding is not null ? "rnn." : "";
        int offset = 0;
        ParameterEntry Add(string name, string key, params int[] shape)
        {
            var entry = new ParameterEntry(name, key, offset, shape);
            _parameters.Add(entry);
            offset += entry.Length;
            return entry;
        }

        if (spec.Embedding is { } embedding)
            Embedding = Add("embedding.weight", "EmbeddingWeight", embedding.VocabularySize, embedding.Dimension);

        int input = spec.InputSize, state = 0;
        for (int k = 0; k < spec.Layers.Count; k++)
        {
            var layer = spec.Layers[k];
            var directions = new List<DirectionTensors>();
            for (int d = 0; d < layer.Directions; d++)
            {
                string suffix = d == 0 ? "" : "_reverse";
                string id = $"L{k}{(d == 0 ? "" : "Reverse")}";
                int gates = layer.GateCount * layer.HiddenSize;
                var weightIh = Add($"{rnnPrefix}weight_ih_l{k}{suffix}", "WeightIh" + id, gates, input);
                var weightHh = Add($"{rnnPrefix}weight_hh_l{k}{suffix}", "WeightHh" + id, gates, layer.OutputSize);
                ParameterEntry? biasIh = null, biasHh = null, weightHr = null;
                if (layer.Bias)
                {
                    biasIh = Add($"{rnnPrefix}bias_ih_l{k}{suffix}", "BiasIh" + id, gates);
                    biasHh = Add($"{rnnPrefix}bias_hh_l{k}{suffix}", "BiasHh" + id, gates);
                }
                if (layer.ProjectionSize > 0)
                    weightHr = Add($"{rnnPrefix}weight_hr_l{k}{suffix}", "WeightHr" + id, layer.ProjectionSize, layer.HiddenSize);

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
            HeadWeight = Add("head.weight", "HeadWeight", head.Outputs, input);
            if (head.Bias) HeadBias = Add("head.bias", "HeadBias", head.Outputs);
        }

        ParameterCount = offset;
        StateSize = state;
    }

    private readonly List<ParameterEntry> _parameters = [];
    private readonly List<StateEntry> _states = [];
    private readonly List<IReadOnlyList<DirectionTensors>> _layers = [];

    /// <summary>Every parameter tensor in <c>state_dict</c> order.</summary>
    public IReadOnlyList<ParameterEntry> Parameters => _parameters;

    /// <summary>Every state piece in state order.</summary>
    public IReadOnlyList<StateEntry> States => _states;

    /// <summary>Per layer, per direction (forward, then reverse), its tensors and state pieces.</summary>
    public IReadOnlyList<IReadOnlyList<DirectionTensors>> Layers => _layers;

    public ParameterEntry? Embedding { get; }
    public ParameterEntry? HeadWeight { get; }
    public ParameterEntry? HeadBias { get; }
    public int ParameterCount { get; }
    public int StateSize { get; }
}

/// <summary>
/// One parameter tensor: its <c>state_dict</c> name, the identifier the emitted class names its offset by
/// (<see cref="Key"/>, e.g. <c>WeightIhL0</c>), its offset in the flat buffer, and its shape.
/// </summary>
internal sealed record ParameterEntry(string Name, string Key, int Offset, int[] Shape)
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
