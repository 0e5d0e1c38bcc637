namespace RnnGen.Weights;

/// <summary>
/// One named tensor of a <see cref="SafeTensorsFile"/>: its shape (row-major), its dtype, and its values as floats. RnnGen
/// reads and writes <see cref="Float32"/>, and the quantized weights of low-precision models: <see cref="Int8"/> (values are
/// integers in −128 … 127) and <see cref="BFloat16"/> (values are exactly representable in bfloat16). A float holds every
/// value of both exactly, so <see cref="Data"/> is always the tensor's values.
/// </summary>
public sealed class SafeTensor
{
    /// <summary>32-bit IEEE floats: every tensor RnnGen loads into <c>Parameters</c> may be F32.</summary>
    public const string Float32 = "F32";

    /// <summary>Signed 8-bit integers: an int8-quantized weight matrix, with its F32 scales in <c>{name}_scale</c>.</summary>
    public const string Int8 = "I8";

    /// <summary>bfloat16, the upper half of a float32: a bfloat16-rounded weight matrix.</summary>
    public const string BFloat16 = "BF16";

    private readonly int[] _shape;

    /// <summary>Creates an F32 tensor. <paramref name="shape"/> is copied; <paramref name="data"/> is kept as is, not copied.</summary>
    /// <exception cref="ArgumentException">The name is empty or <c>__metadata__</c>, a dimension is negative, or the data length is not the shape's product.</exception>
    public SafeTensor(string name, int[] shape, float[] data)
        : this(name, shape, data, Float32)
    {
    }

    /// <summary>Creates a tensor of <paramref name="dtype"/> (<see cref="Float32"/>, <see cref="Int8"/> or <see cref="BFloat16"/>) from its values.</summary>
    /// <exception cref="ArgumentException">
    /// As the F32 constructor; or the dtype is none of the three, or a value is not one the dtype holds (an I8 value
    /// that is not an integer in −128 … 127, a BF16 value with bits in the lower 16).
    /// </exception>
    public SafeTensor(string name, int[] shape, float[] data, string dtype)
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

        CheckValues(name, data, dtype);

        Name = name;
        _shape = (int[])shape.Clone();
        Data = data;
        DType = dtype;
    }

    /// <summary>The tensor's name, e.g. <c>rnn.weight_ih_l0</c>.</summary>
    public string Name { get; }

    /// <summary>The safetensors dtype: <see cref="Float32"/>, <see cref="Int8"/> or <see cref="BFloat16"/>.</summary>
    public string DType { get; }

    /// <summary>Bytes per element of a dtype RnnGen reads, or 0 for any other dtype.</summary>
    internal static int ElementSize(string dtype) => dtype switch
    {
        Float32 => 4,
        BFloat16 => 2,
        Int8 => 1,
        _ => 0,
    };

    /// <summary>Shape, row-major. A copy is returned.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The shape as text, e.g. <c>[128, 8]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>The values, row-major; as many as the product of <see cref="Shape"/>.</summary>
    public float[] Data { get; }

    internal ReadOnlySpan<int> ShapeSpan => _shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {ShapeText}";

    private static void CheckValues(string name, float[] data, string dtype)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        switch (dtype)
        {
            case Float32:
                return;
            case Int8:
                for (int i = 0; i < data.Length; i++)
                {
                    if (!(data[i] >= sbyte.MinValue && data[i] <= sbyte.MaxValue && data[i] == MathF.Round(data[i])))
                        throw new ArgumentException($"Tensor '{name}': value {data[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at index {i} is not an integer in -128 … 127, so it cannot be stored as I8.", nameof(data));
                }
                return;
            case BFloat16:
                for (int i = 0; i < data.Length; i++)
                {
                    if ((BitConverter.SingleToUInt32Bits(data[i]) & 0xFFFF) != 0)
                        throw new ArgumentException($"Tensor '{name}': value {data[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at index {i} is not a bfloat16 (its lower 16 bits are not zero); round it first.", nameof(data));
                }
                return;
            default:
                throw new ArgumentException($"Tensor '{name}': dtype '{dtype}' is not one RnnGen writes (F32, I8, BF16).", nameof(dtype));
        }
    }

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
