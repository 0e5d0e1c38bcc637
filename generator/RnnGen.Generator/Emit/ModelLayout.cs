using RnnGen.Generator.Emit.Cells;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// The C# names and sizes the emitted class uses, derived from a <see cref="ModelSpec"/> and its <see cref="ParameterTable"/>:
/// the constants naming each layer's sizes, the fields holding each layer's rows, and per direction the offsets of its
/// tensors and state and the emitter of its cell. Everything here is a typed handle; no name is rebuilt from strings later.
/// </summary>
internal sealed class ModelLayout
{
    public ModelLayout(ModelSpec spec)
    {
        Spec = spec;
        Table = new ParameterTable(spec);
        int input = spec.InputSize;
        for (int k = 0; k < spec.Layers.Count; k++)
        {
            var layer = new LayerLayout(k, spec.Layers[k], input, k == 0 ? null : _layers[k - 1]);
            for (int d = 0; d < layer.Spec.Directions; d++)
                layer.AddDirection(Table.Layers[k][d]);
            _layers.Add(layer);
            input = layer.Spec.Width;
        }
        TopWidth = input;
        OutputSize = spec.Head?.Outputs ?? input;
        MaxGates = _layers.Max(l => l.Spec.GateCount * l.Spec.HiddenSize);
        MaxHidden = _layers.Max(l => l.Spec.HiddenSize);
        MaxOutput = _layers.Max(l => l.Spec.OutputSize);
        // A block of 16 rows starting at a matrix's last row reads 15 rows (and a chunk) past it.
        ParameterPadding = 16 * (_layers.Max(l => Math.Max(l.Input, l.Spec.HiddenSize)) + 1);
        Quantized = QuantizedWeights.For(this);
    }

    private readonly List<LayerLayout> _layers = [];

    public ModelSpec Spec { get; }
    public ParameterTable Table { get; }

    /// <summary>Where a low-precision model keeps its quantized copies; null for a float32 model.</summary>
    public QuantizedWeights? Quantized { get; }
    public IReadOnlyList<LayerLayout> Layers => _layers;

    /// <summary>Every direction's cell, layer by layer, forward before reverse.</summary>
    public IEnumerable<CellEmitter> Cells => _layers.SelectMany(l => l.Directions).Select(d => d.Cell);

    /// <summary>Width of the last recurrent layer's output row.</summary>
    public int TopWidth { get; }

    /// <summary>Floats per output row of the model.</summary>
    public int OutputSize { get; }

    public int MaxGates { get; }
    public int MaxHidden { get; }
    public int MaxOutput { get; }

    /// <summary>Readable floats after the parameters, for vector blocks that read rows past a matrix's end.</summary>
    public int ParameterPadding { get; }

    public LayerLayout Top => _layers[_layers.Count - 1];

    /// <summary>Whether Forward writes one row per step (no head, or a head over every step).</summary>
    public bool OutputsEveryStep => Spec.Head is null || Spec.Head.EveryStep;

    /// <summary>
    /// Whether the head reads the top layer's final states gathered from two rows: <c>Over = Steps.Final</c> on a
    /// bidirectional layer (forward h after the last step, reverse h after t = 0). Unidirectional, Final is the last row.
    /// </summary>
    public bool HeadReadsFinalState => Spec.Head?.Over == Contract.Steps.Final && Top.Spec.Bidirectional;
}

/// <summary>One recurrent layer: its index, spec, input width, the layer below it (null for layer 0) and its directions.</summary>
internal sealed class LayerLayout(int index, LayerSpec spec, int input, LayerLayout? below)
{
    private readonly List<DirectionLayout> _directions = [];

    public int Index { get; } = index;
    public LayerSpec Spec { get; } = spec;
    public int Input { get; } = input;
    public LayerLayout? Below { get; } = below;
    public IReadOnlyList<DirectionLayout> Directions => _directions;

    /// <summary>Prefix of this layer's names: L0Input, L0Hidden, _outputL0, …</summary>
    public string Name => "L" + SourceWriter.Number(Index);

    /// <summary>The constants of the layer's sizes: input, hidden H, output P (projection or H), row width D·P, stacked gates G·H.</summary>
    public string InputConstant => Name + "Input";
    public string HiddenConstant => Name + "Hidden";
    public string OutputConstant => Name + "Output";
    public string WidthConstant => Name + "Width";
    public string GatesConstant => Name + "Gates";

    /// <summary>Floats per input row: the model's <c>InputSize</c> for layer 0, the layer's input constant above it.</summary>
    public string InputWidth => Below is null ? "InputSize" : InputConstant;

    /// <summary>Field holding the layer's output rows [T, D·P] (the next layer's input).</summary>
    public string OutputField => "_output" + Name;

    /// <summary>Field holding dL/d(output rows) during Backward.</summary>
    public string GradOutputField => "_gradOutput" + Name;

    /// <summary>Row <paramref name="t"/> of the layer's input: the model's recorded inputs for layer 0, the output rows of the layer below above it.</summary>
    public string InputRow(string t) => $"{Below?.OutputField ?? "_inputs"}.AsSpan({t} * {InputWidth}, {InputWidth})";

    /// <summary>Output row <paramref name="t"/>, all directions.</summary>
    public string OutputRow(string t) => $"{OutputField}.AsSpan({t} * {WidthConstant}, {WidthConstant})";

    internal void AddDirection(DirectionTensors tensors) => _directions.Add(new DirectionLayout(this, _directions.Count, tensors));
}

/// <summary>One direction of a layer: the offsets of its tensors and state, its slice of the output rows, and its cell.</summary>
internal sealed class DirectionLayout
{
    public DirectionLayout(LayerLayout layer, int direction, DirectionTensors tensors)
    {
        Layer = layer;
        Direction = direction;
        Tensors = tensors;
        Cell = CellEmitter.For(this);
    }

    public LayerLayout Layer { get; }
    public int Direction { get; }
    public bool Reverse => Direction == 1;
    public DirectionTensors Tensors { get; }

    /// <summary>The emitter of this direction's cell, chosen once from the layer's spec.</summary>
    public CellEmitter Cell { get; }

    /// <summary>This direction's quantized copies (set by <see cref="QuantizedWeights"/>); null in a float32 model.</summary>
    public QuantizedDirection? Quantized { get; set; }

    /// <summary>Suffix of this direction's members: L0, L0Reverse.</summary>
    public string Id => Layer.Name + (Reverse ? "Reverse" : "");

    /// <summary>Constants holding the offsets of the direction's tensors in <c>_parameters</c>.</summary>
    public string WeightIh => Tensors.WeightIh.Key;
    public string WeightHh => Tensors.WeightHh.Key;
    public string? BiasIh => Tensors.BiasIh?.Key;
    public string? BiasHh => Tensors.BiasHh?.Key;
    public string? WeightHr => Tensors.WeightHr?.Key;

    /// <summary>Constant holding the offset of the direction's h in <c>_state</c>.</summary>
    public string StateH => Tensors.Hidden.Key;

    /// <summary>The direction's h at output row <paramref name="t"/>: its P floats of the layer's D·P.</summary>
    public string HiddenRow(string t)
        => $"{Layer.OutputField}.AsSpan({t} * {Layer.WidthConstant}{(Reverse ? $" + {Layer.OutputConstant}" : "")}, {Layer.OutputConstant})";

    /// <summary>A per-step record of this direction: field <c>_{argument}{Id}</c>, <paramref name="stepLength"/> floats a step.</summary>
    public RecordBuffer Record(string argument, string stepLength) => new("_" + argument + Id, argument, stepLength);
}

/// <summary>
/// A field of per-step values Forward keeps for Backward, (T + 1) slots of <see cref="StepLength"/> floats: slots
/// 0..T-1 belong to Forward, slot T is scratch for Step, so stepping never disturbs a recorded sequence.
/// <see cref="Argument"/> is its name as a parameter of the cell methods.
/// </summary>
internal sealed record RecordBuffer(string Field, string Argument, string StepLength)
{
    /// <summary>The slot of step <paramref name="t"/>.</summary>
    public string Slot(string t) => $"{Field}.AsSpan({t} * {StepLength}, {StepLength})";
}

/// <summary>
/// A state the cell carries from step to step besides h (the LSTM's c): its name, the constant of its offset in
/// <c>_state</c>, its length constant, the record that holds each step's value (so step t reads step t−1's slot), and the
/// scratch field that carries its gradient back through time.
/// </summary>
internal sealed record CarriedState(string Name, string StateOffset, string Length, RecordBuffer Record, string GradientField)
{
    /// <summary>The cell methods' parameter holding the previous value, e.g. <c>cPrev</c>.</summary>
    public string Previous => Name + "Prev";

    /// <summary>The cell methods' parameter carrying dL/d(previous value) back, e.g. <c>dcCarry</c>.</summary>
    public string GradientCarry => "d" + Name + "Carry";
}
