namespace RnnGen;

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
