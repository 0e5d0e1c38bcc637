namespace RnnGen;

/// <summary>
/// Where a quantized copy of one parameter tensor (a [Rows, Columns] weight matrix) lives in an
/// <see cref="IQuantizedModel"/>'s storages; <see cref="QuantizedLayout"/> gives the address of each element.
/// </summary>
public sealed class QuantizedTensor(string name, QuantizedLayout layout, int parameterOffset, int rows, int columns, int storageOffset, int stride, int first, int scaleOffset)
{
    /// <summary>The parameter tensor's <c>state_dict</c> name, as in <see cref="IParameterSet.ParameterTensors"/>.</summary>
    public string Name { get; } = name;

    /// <summary>How the copy is stored.</summary>
    public QuantizedLayout Layout { get; } = layout;

    /// <summary>Offset of the float32 master in <see cref="IParameterSet.Parameters"/>.</summary>
    public int ParameterOffset { get; } = parameterOffset;

    /// <summary>Rows of the matrix (PyTorch's output dimension).</summary>
    public int Rows { get; } = rows;

    /// <summary>Columns of the matrix.</summary>
    public int Columns { get; } = columns;

    /// <summary>Offset of the matrix block in its storage.</summary>
    public int StorageOffset { get; } = storageOffset;

    /// <summary>Rows per column pair (Int8ColumnPairs), lanes per row (BFloat16Lanes) or columns per row (Float32Rows).</summary>
    public int Stride { get; } = stride;

    /// <summary>The tensor's first column pair (Int8ColumnPairs) or lane (BFloat16Lanes) within its block; 0 for Float32Rows.</summary>
    public int First { get; } = first;

    /// <summary>Offset of row 0's scale in <see cref="IQuantizedModel.Int8Scales"/>, or −1 without scales (BFloat16).</summary>
    public int ScaleOffset { get; } = scaleOffset;

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{Rows}, {Columns}] {Layout}";
}
