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
