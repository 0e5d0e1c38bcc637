using System.Collections.Immutable;

namespace RnnGen.Import.Onnx;

/// <summary>What the interpreter knows about one value of the graph.</summary>
internal abstract record Value;

/// <summary>
/// A tensor known element by element: an initializer, a Constant, or glue computed from them. Floating-point data is
/// held as double (float32 values convert exactly); integer and boolean data as long.
/// </summary>
internal sealed record ConstValue(long[] Dims, double[]? Floats, long[]? Ints) : Value
{
    public bool IsInteger => Ints is not null;

    public int Count => Floats?.Length ?? Ints!.Length;

    public int Rank => Dims.Length;

    public double At(int i) => Floats is not null ? Floats[i] : Ints![i];

    public static ConstValue Scalar(long value) => new([], null, [value]);

    public static ConstValue Vector(params long[] values) => new([values.Length], null, values);

    public string ShapeText => "[" + string.Join(", ", Dims) + "]";
}

/// <summary>A 1-D vector (or a scalar) of integers from <c>Shape</c> of a sequence, some of them symbolic.</summary>
internal sealed record ShapeValue(ImmutableArray<Dim> Elements, bool IsScalar) : Value
{
    public override string ToString() => IsScalar ? Elements[0].ToString() : Dim.Format(Elements);
}

/// <summary>A tensor of a (possibly symbolic) shape whose every element is <see cref="Fill"/>: ConstantOfShape, Expand.</summary>
internal sealed record FilledValue(ImmutableArray<Dim> Shape, double Fill) : Value;

/// <summary>A graph input other than the sequence: only usable as a recurrent layer's initial state.</summary>
internal sealed record GraphInputValue(string Name) : Value;

/// <summary>The role of one axis of a tensor on the data path.</summary>
internal enum AxisRole
{
    /// <summary>The batch; RnnGen runs one sequence, so it is 1 and may be dropped.</summary>
    Batch,
    /// <summary>The time steps of the sequence.</summary>
    Time,
    /// <summary>An axis of size 1 that means nothing (Unsqueeze, a sliced step).</summary>
    Unit,
    /// <summary>The features: a concatenation of <see cref="Piece"/>s.</summary>
    Features,
    /// <summary>The direction (or layer·direction) axis of a recurrent node's outputs; its entries are pieces of equal width.</summary>
    Stack,
}

/// <summary>Which time steps a recurrent output piece holds.</summary>
internal enum StepSelection { Every, Last, First }

internal enum PieceKind
{
    /// <summary>The model's input features.</summary>
    Input,
    /// <summary>Rows of the embedding table.</summary>
    Embedded,
    /// <summary>The output h of layer <see cref="Piece.Layer"/>, direction <see cref="Piece.Direction"/>, at <see cref="Piece.Step"/>.</summary>
    Output,
    /// <summary>The final hidden state of a layer and direction (ONNX Y_h, PyTorch h_n).</summary>
    State,
    /// <summary>The final cell state of an LSTM layer and direction (ONNX Y_c).</summary>
    CellState,
    /// <summary>The output of dense layer <see cref="Piece.Dense"/>.</summary>
    Dense,
    /// <summary>Stands for whichever entry of the tensor's <see cref="AxisRole.Stack"/> axis is selected.</summary>
    Stacked,
}

/// <summary>A run of features of one origin: e.g. the 12 floats of layer 0's forward h at every step.</summary>
internal sealed record Piece(PieceKind Kind, int Width, int Layer = 0, int Direction = 0, StepSelection Step = StepSelection.Every, int Dense = 0)
{
    public override string ToString() => Kind switch
    {
        PieceKind.Input => $"input[{Width}]",
        PieceKind.Embedded => $"embedding[{Width}]",
        PieceKind.Output => $"layer {Layer} {(Direction == 0 ? "forward" : "reverse")} h at {Step switch { StepSelection.Every => "every step", StepSelection.Last => "the last step", _ => "the first step" }}",
        PieceKind.State => $"layer {Layer} {(Direction == 0 ? "forward" : "reverse")} final state h_n",
        PieceKind.CellState => $"layer {Layer} {(Direction == 0 ? "forward" : "reverse")} final cell state c_n",
        PieceKind.Dense => $"dense {Dense} output[{Width}]",
        _ => $"stacked[{Width}]",
    };
}

/// <summary>One axis of a data-path tensor: its role, size, and for features or stacks what they hold.</summary>
internal sealed record Axis(AxisRole Role, Dim Size, ImmutableArray<Piece> Pieces = default)
{
    public static Axis Features(params Piece[] pieces) => new(AxisRole.Features, Dim.Of(pieces.Sum(p => (long)p.Width)), [.. pieces]);

    public static Axis Stack(params Piece[] entries) => new(AxisRole.Stack, Dim.Of(entries.Length), [.. entries]);

    public static Axis Unit() => new(AxisRole.Unit, Dim.Of(1));

    public override string ToString() => Role switch
    {
        AxisRole.Features => $"features({string.Join(" + ", Pieces)})",
        AxisRole.Stack => $"stack({string.Join(", ", Pieces)})",
        AxisRole.Batch => $"batch={Size}",
        AxisRole.Time => $"time={Size}",
        _ => "1",
    };
}

/// <summary>A tensor on the data path from the sequence input to the output, described axis by axis.</summary>
/// <param name="Tokens">The tensor is the token-id input itself (no features axis).</param>
internal sealed record FlowValue(ImmutableArray<Axis> Axes, bool Tokens = false) : Value
{
    public int Rank => Axes.Length;

    public FlowValue With(ImmutableArray<Axis> axes) => this with { Axes = axes };

    public override string ToString() => "[" + string.Join(", ", Axes) + "]";

    /// <summary>Every piece of the tensor with <paramref name="map"/> applied, in features and stack axes alike.</summary>
    public FlowValue MapPieces(Func<Piece, Piece> map)
        => With(Axes.Select(a => a.Pieces.IsDefault ? a : a with { Pieces = a.Pieces.Select(map).ToImmutableArray() }).ToImmutableArray());

    /// <summary>Removes the stack axis at <paramref name="index"/>, putting its entry <paramref name="entry"/> in place of the stacked placeholder.</summary>
    public FlowValue SelectStackEntry(int index, int entry)
    {
        var selected = Axes[index].Pieces[entry];
        var axes = Axes.RemoveAt(index);
        return With(axes.Select(a => a.Role == AxisRole.Features
            ? a with { Pieces = a.Pieces.Select(p => p.Kind == PieceKind.Stacked ? selected : p).ToImmutableArray() }
            : a).ToImmutableArray());
    }
}
