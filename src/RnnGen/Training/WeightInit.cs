namespace RnnGen.Training;

/// <summary>How <see cref="Initializer"/> fills a weight matrix. Stacked gate matrices are treated gate block by gate block.</summary>
public enum WeightInit
{
    /// <summary>
    /// PyTorch's default for the tensor: U(−1/√H, 1/√H) for every recurrent tensor (H = that layer's hidden size),
    /// and U(−1/√fan_in, 1/√fan_in) for a linear layer's weight (kaiming_uniform with a = √5).
    /// </summary>
    Default = 0,

    /// <summary>Glorot/Xavier uniform: U(−b, b) with b = √(6 / (fan_in + fan_out)), where a gate block [H × in] has fan_out = H.</summary>
    XavierUniform = 1,

    /// <summary>
    /// As <c>torch.nn.init.orthogonal_</c> on each gate block (or on the whole matrix when it is not gate-stacked):
    /// the Q of a QR factorisation of a standard normal matrix, with R's diagonal made positive; its columns are
    /// orthonormal when it has at least as many rows as columns, otherwise its rows are.
    /// </summary>
    Orthogonal = 2,
}
