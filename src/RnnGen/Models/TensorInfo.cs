namespace RnnGen;

/// <summary>
/// One named parameter tensor of a model: where it lives in <see cref="IParameterSet.Parameters"/>
/// and its PyTorch <c>state_dict</c> name and shape (row-major).
/// </summary>
public sealed class ParameterTensor(string name, int offset, params int[] shape)
{
    /// <summary>The canonical <c>state_dict</c> name, e.g. <c>weight_ih_l0</c>, <c>rnn.bias_hh_l1_reverse</c>, <c>head.weight</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Index of the first element in the flat parameter (and gradient) buffer.</summary>
    public int Offset { get; } = offset;

    /// <summary>Shape, row-major. A copy is returned so callers cannot change the model's description.</summary>
    public int[] Shape => (int[])_shape.Clone();

    private readonly int[] _shape = shape;

    /// <summary>Number of elements.</summary>
    public int Length { get; } = Product(shape);

    /// <summary>The shape as text, e.g. <c>[128, 8]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {ShapeText}";

    private static int Product(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }
}

/// <summary>Which part of a layer's recurrent state a <see cref="StateTensor"/> holds.</summary>
public enum StateKind
{
    /// <summary>The hidden state h (size P: the projection size, or H).</summary>
    Hidden = 0,
    /// <summary>The LSTM cell state c (size H).</summary>
    Cell = 1,
}

/// <summary>
/// One piece of a model's recurrent state within <see cref="IRecurrentModel.State"/>: the hidden or cell state
/// of one layer and direction. Pieces are ordered layer by layer, forward before reverse, h before c.
/// </summary>
public sealed class StateTensor(string name, int layer, int direction, StateKind kind, int offset, int length)
{
    /// <summary><c>h_l{layer}</c> or <c>c_l{layer}</c>, with <c>_reverse</c> for direction 1.</summary>
    public string Name { get; } = name;

    /// <summary>0-based recurrent layer index.</summary>
    public int Layer { get; } = layer;

    /// <summary>0 = forward in time, 1 = reverse.</summary>
    public int Direction { get; } = direction;

    /// <summary>Hidden or cell state.</summary>
    public StateKind Kind { get; } = kind;

    /// <summary>Index of the first element in the state buffer.</summary>
    public int Offset { get; } = offset;

    /// <summary>Number of elements.</summary>
    public int Length { get; } = length;

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{Length}]";
}
