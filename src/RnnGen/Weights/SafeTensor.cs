namespace RnnGen.Weights;

/// <summary>One named F32 tensor of a <see cref="SafeTensorsFile"/>: its shape (row-major) and its values.</summary>
public sealed class SafeTensor
{
    /// <summary>The only dtype RnnGen reads and writes.</summary>
    public const string Float32 = "F32";

    private readonly int[] _shape;

    /// <summary>Creates a tensor. <paramref name="shape"/> is copied; <paramref name="data"/> is kept as is, not copied.</summary>
    /// <exception cref="ArgumentException">The name is empty or <c>__metadata__</c>, a dimension is negative, or the data length is not the shape's product.</exception>
    public SafeTensor(string name, int[] shape, float[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (name == SafeTensorsFile.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsFile.MetadataKey}' is reserved for the file's metadata.", nameof(name));

        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Tensor '{name}': negative dimension in shape {FormatShape(shape)}.", nameof(shape));
            count = checked(count * d);
        }
        if (count != data.Length)
            throw new ArgumentException($"Tensor '{name}': shape {FormatShape(shape)} holds {count} values but data has {data.Length}.", nameof(data));

        Name = name;
        _shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>The tensor's name, e.g. <c>rnn.weight_ih_l0</c>.</summary>
    public string Name { get; }

    /// <summary>The safetensors dtype; always <see cref="Float32"/>.</summary>
    public string DType => Float32;

    /// <summary>Shape, row-major. A copy is returned.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The shape as text, e.g. <c>[128, 8]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>The values, row-major; as many as the product of <see cref="Shape"/>.</summary>
    public float[] Data { get; }

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {ShapeText}";

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
