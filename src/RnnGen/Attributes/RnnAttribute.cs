#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>A vanilla (Elman) recurrent layer: <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c>, PyTorch <c>nn.RNN</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
#if RNNGEN_GENERATOR
internal
#else
public
#endif
sealed class RnnAttribute(int hiddenSize) : RecurrentLayerAttribute(hiddenSize)
{
    /// <summary>The nonlinearity: <see cref="RnnGen.Activation.Tanh"/> (default) or <see cref="RnnGen.Activation.Relu"/>.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
}
