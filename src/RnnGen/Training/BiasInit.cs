namespace RnnGen.Training;

/// <summary>How <see cref="Initializer"/> fills a bias vector.</summary>
public enum BiasInit
{
    /// <summary>PyTorch's default: U(−1/√H, 1/√H) for recurrent biases, U(−1/√fan_in, 1/√fan_in) for a linear layer's bias.</summary>
    Default = 0,

    /// <summary>All zeros (before any forget-gate offset).</summary>
    Zeros = 1,
}
