namespace RnnGen;

/// <summary>
/// One weight set: the flat parameter buffer and its named tensors. Models and batches (<see cref="Batching.RecurrentBatch"/>)
/// have one; <c>LoadWeights</c>, <c>SaveWeights</c> and <c>Initializer.Apply</c> work on any.
/// </summary>
public interface IParameterSet
{
    /// <summary>All trainable parameters in one flat buffer, laid out as <see cref="ParameterTensors"/> says.</summary>
    Span<float> Parameters { get; }

    /// <summary>The named tensors in <see cref="Parameters"/>, in PyTorch <c>state_dict</c> order.</summary>
    IReadOnlyList<ParameterTensor> ParameterTensors { get; }
}
