namespace RnnGen;

/// <summary>
/// A model declared with <c>[RecurrentModel(Precision = WeightPrecision.Int8 | BFloat16)]</c>. Its float32 master
/// weights stay in <see cref="IParameterSet.Parameters"/>; Step and Forward multiply by quantized copies of the
/// recurrent matrices (<see cref="QuantizedTensors"/>), made from the master at construction, by every <c>LoadWeights</c>
/// and by <see cref="QuantizeWeights"/>.
/// </summary>
/// <remarks>
/// <b>Code that writes <see cref="IParameterSet.Parameters"/> directly must call <see cref="QuantizeWeights"/>
/// afterwards</b>: until then Step and Forward keep using the previous weights. The model is inference-only:
/// <c>Backward</c> throws; train the float32 twin (the same declaration without <c>Precision</c>) and load its weights.
/// </remarks>
public interface IQuantizedModel : IRecurrentModel
{
    /// <summary>The precision of the quantized copies: <see cref="WeightPrecision.Int8"/> or <see cref="WeightPrecision.BFloat16"/>.</summary>
    WeightPrecision Precision { get; }

    /// <summary>Where each quantized matrix lives in the storages below, one per quantized parameter tensor, in parameter order.</summary>
    IReadOnlyList<QuantizedTensor> QuantizedTensors { get; }

    /// <summary>Int8 matrices in column pairs (<see cref="QuantizedLayout.Int8ColumnPairs"/>); empty unless the precision is Int8.</summary>
    Span<sbyte> Int8Weights { get; }

    /// <summary>One scale per row of every int8 matrix (also of int8 matrices kept as <see cref="QuantizedLayout.Float32Rows"/>).</summary>
    Span<float> Int8Scales { get; }

    /// <summary>BFloat16 matrices in lanes (<see cref="QuantizedLayout.BFloat16Lanes"/>); empty unless the precision is BFloat16.</summary>
    Span<ushort> BFloat16Weights { get; }

    /// <summary>Matrices the model multiplies as float32 rows of already-rounded values (<see cref="QuantizedLayout.Float32Rows"/>).</summary>
    Span<float> RoundedWeights { get; }

    /// <summary>
    /// Rebuilds every quantized copy from <see cref="IParameterSet.Parameters"/>. Call it after writing the parameters
    /// directly (loading, <c>Initializer.Apply</c> and the constructor call it themselves). Allocates nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">A weight is NaN or infinite; nothing is changed.</exception>
    void QuantizeWeights();
}
