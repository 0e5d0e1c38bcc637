using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// The names and offsets the emitted class uses, derived from a <see cref="ModelSpec"/>: where each parameter tensor
/// and state piece lives in the flat buffers, and the C# names of sizes, offsets and record buffers.
/// Parameter order is PyTorch's state_dict order: embedding, then per layer forward before reverse,
/// weight_ih, weight_hh, bias_ih, bias_hh, weight_hr; then the head.
/// </summary>
internal sealed class ModelLayout
{
    public ModelLayout(ModelSpec spec)
    {
        Spec = spec;
        string rnnPrefix = spec.Head is not null || spec.Embedding is not null ? "rnn." : "";
        int offset = 0;
        ParameterEntry Add(string name, string constant, params int[] shape)
        {
            var entry = new ParameterEntry(name, constant, offset, shape);
            Parameters.Add(entry);
            offset += entry.Length;
            return entry;
        }

        if (spec.Embedding is { } embedding)
            Embedding = Add("embedding.weight", "EmbeddingWeight", embedding.VocabularySize, embedding.Dimension);

        int input = spec.InputSize, state = 0;
        for (int k = 0; k < spec.Layers.Count; k++)
        {
            var layer = new LayerLayout(k, spec.Layers[k], input);
            Layers.Add(layer);
            var ls = layer.Spec;
            for (int d = 0; d < ls.Directions; d++)
            {
                string suffix = d == 0 ? "" : "_reverse";
                var direction = new DirectionLayout(layer, d);
                string id = direction.Id;
                int gates = ls.GateCount * ls.HiddenSize;
                direction.WeightIh = Add($"{rnnPrefix}weight_ih_l{k}{suffix}", "WeightIh" + id, gates, input).Constant;
                direction.WeightHh = Add($"{rnnPrefix}weight_hh_l{k}{suffix}", "WeightHh" + id, gates, ls.OutputSize).Constant;
                if (ls.Bias)
                {
                    direction.BiasIh = Add($"{rnnPrefix}bias_ih_l{k}{suffix}", "BiasIh" + id, gates).Constant;
                    direction.BiasHh = Add($"{rnnPrefix}bias_hh_l{k}{suffix}", "BiasHh" + id, gates).Constant;
                }
                if (ls.ProjectionSize > 0)
                    direction.WeightHr = Add($"{rnnPrefix}weight_hr_l{k}{suffix}", "WeightHr" + id, ls.ProjectionSize, ls.HiddenSize).Constant;

                direction.StateH = "StateH" + id;
                States.Add(new StateEntry($"h_l{k}{suffix}", direction.StateH, k, d, "Hidden", state, ls.OutputSize));
                state += ls.OutputSize;
                if (ls.Cell == CellKind.Lstm)
                {
                    direction.StateC = "StateC" + id;
                    States.Add(new StateEntry($"c_l{k}{suffix}", direction.StateC, k, d, "Cell", state, ls.HiddenSize));
                    state += ls.HiddenSize;
                }
                layer.Directions.Add(direction);
            }
            input = ls.Width;
        }

        if (spec.Head is { } head)
        {
            HeadWeight = Add("head.weight", "HeadWeight", head.Outputs, input);
            if (head.Bias) HeadBias = Add("head.bias", "HeadBias", head.Outputs);
        }

        ParameterCount = offset;
        StateSize = state;
        TopWidth = input;
        OutputSize = spec.Head?.Outputs ?? input;
        MaxGates = Layers.Max(l => l.Spec.GateCount * l.Spec.HiddenSize);
        MaxHidden = Layers.Max(l => l.Spec.HiddenSize);
        MaxOutput = Layers.Max(l => l.Spec.OutputSize);
    }

    public ModelSpec Spec { get; }
    public List<ParameterEntry> Parameters { get; } = [];
    public List<StateEntry> States { get; } = [];
    public List<LayerLayout> Layers { get; } = [];
    public ParameterEntry? Embedding { get; }
    public ParameterEntry? HeadWeight { get; }
    public ParameterEntry? HeadBias { get; }
    public int ParameterCount { get; }
    public int StateSize { get; }

    /// <summary>Width of the last recurrent layer's output row.</summary>
    public int TopWidth { get; }

    /// <summary>Floats per output row of the model.</summary>
    public int OutputSize { get; }

    public int MaxGates { get; }
    public int MaxHidden { get; }
    public int MaxOutput { get; }

    public LayerLayout Top => Layers[Layers.Count - 1];

    /// <summary>Whether Forward writes one row per step (no head, or a head over every step).</summary>
    public bool OutputsEveryStep => Spec.Head is null || Spec.Head.EveryStep;
}

internal sealed record ParameterEntry(string Name, string Constant, int Offset, int[] Shape)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

internal sealed record StateEntry(string Name, string Constant, int Layer, int Direction, string Kind, int Offset, int Length);

/// <summary>One recurrent layer: its index, spec, input width and directions.</summary>
internal sealed class LayerLayout(int index, LayerSpec spec, int input)
{
    public int Index { get; } = index;
    public LayerSpec Spec { get; } = spec;
    public int Input { get; } = input;
    public List<DirectionLayout> Directions { get; } = [];

    /// <summary>Prefix of this layer's size constants: L0Input, L0Hidden, L0Output (P), L0Width (D·P), L0Gates (G·H).</summary>
    public string Name => "L" + SourceWriter.Number(Index);

    /// <summary>Field holding the layer's output rows [T, D·P] (the next layer's input).</summary>
    public string OutputField => "_output" + Name;

    /// <summary>Field holding dL/d(output rows) during Backward.</summary>
    public string GradOutputField => "_gradOutput" + Name;
}

/// <summary>One direction of a layer, with the names of its parameter offsets, state offsets and record buffers.</summary>
internal sealed class DirectionLayout(LayerLayout layer, int direction)
{
    public LayerLayout Layer { get; } = layer;
    public int Direction { get; } = direction;
    public bool Reverse => Direction == 1;

    /// <summary>Suffix of this direction's members: L0, L0Reverse.</summary>
    public string Id => Layer.Name + (Reverse ? "Reverse" : "");

    public string WeightIh { get; set; } = "";
    public string WeightHh { get; set; } = "";
    public string? BiasIh { get; set; }
    public string? BiasHh { get; set; }
    public string? WeightHr { get; set; }
    public string StateH { get; set; } = "";
    public string? StateC { get; set; }

    /// <summary>
    /// Per-step values Forward keeps for Backward, each a field of (T + 1) slots: slots 0..T-1 belong to Forward,
    /// slot T is scratch for Step, so stepping never disturbs a recorded sequence.
    /// </summary>
    public IReadOnlyList<RecordBuffer> Records => Layer.Spec.Cell switch
    {
        CellKind.Lstm when Layer.Spec.ProjectionSize > 0 => [Gates, Cell, TanhCell, new("_unprojected" + Id, Layer.Name + "Hidden")],
        CellKind.Lstm => [Gates, Cell, TanhCell],
        CellKind.Gru when Layer.Spec.ResetAfter => [Gates, new("_recurrentCandidate" + Id, Layer.Name + "Hidden")],
        CellKind.Gru => [Gates, new("_resetHidden" + Id, Layer.Name + "Hidden")],
        _ => [],
    };

    private RecordBuffer Gates => new("_gates" + Id, Layer.Name + "Gates");
    private RecordBuffer Cell => new("_cell" + Id, Layer.Name + "Hidden");
    private RecordBuffer TanhCell => new("_tanhCell" + Id, Layer.Name + "Hidden");
}

/// <summary>A record field and the constant naming its per-step length.</summary>
internal sealed record RecordBuffer(string Field, string StepLength);
