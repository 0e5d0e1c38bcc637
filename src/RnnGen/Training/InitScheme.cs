namespace RnnGen.Training;

/// <summary>
/// What <see cref="Initializer"/> does to each kind of parameter tensor. Start from a preset and change what you need:
/// <c>InitScheme.PyTorchDefault with { ForgetGateBias = 1f }</c>. Embeddings are always drawn from N(0, 1), as PyTorch.
/// </summary>
public sealed record InitScheme
{
    /// <summary>PyTorch's own initialisation of <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c>, <c>nn.Linear</c> and <c>nn.Embedding</c>.</summary>
    public static InitScheme PyTorchDefault { get; } = new();

    /// <summary>
    /// Xavier-uniform input, projection and head weights, orthogonal recurrent gate blocks, zero biases and a +1
    /// forget-gate bias on LSTM layers: the recipe of Jozefowicz et al. (2015) and Keras' defaults, but per gate block.
    /// </summary>
    public static InitScheme XavierOrthogonal { get; } = new()
    {
        InputWeights = WeightInit.XavierUniform,
        RecurrentWeights = WeightInit.Orthogonal,
        ProjectionWeights = WeightInit.XavierUniform,
        RecurrentBiases = BiasInit.Zeros,
        HeadWeights = WeightInit.XavierUniform,
        HeadBiases = BiasInit.Zeros,
        ForgetGateBias = 1f,
    };

    /// <summary><c>weight_ih_l{k}</c> [G·H, in], per gate block [H × in].</summary>
    public WeightInit InputWeights { get; init; }

    /// <summary><c>weight_hh_l{k}</c> [G·H, P], per gate block [H × P].</summary>
    public WeightInit RecurrentWeights { get; init; }

    /// <summary>The LSTM projection <c>weight_hr_l{k}</c> [P, H], as one matrix.</summary>
    public WeightInit ProjectionWeights { get; init; }

    /// <summary><c>bias_ih_l{k}</c> and <c>bias_hh_l{k}</c>.</summary>
    public BiasInit RecurrentBiases { get; init; }

    /// <summary>The weight of a linear layer such as <c>head.weight</c> [outputs, features].</summary>
    public WeightInit HeadWeights { get; init; }

    /// <summary>The bias of a linear layer such as <c>head.bias</c>.</summary>
    public BiasInit HeadBiases { get; init; }

    /// <summary>
    /// Added to the forget-gate rows [H, 2H) of <c>bias_ih</c> of every LSTM layer that has biases (and not to
    /// <c>bias_hh</c>, so the effective bias b_ih + b_hh moves by exactly this much). 0 leaves the biases as drawn.
    /// </summary>
    public float ForgetGateBias { get; init; }
}
