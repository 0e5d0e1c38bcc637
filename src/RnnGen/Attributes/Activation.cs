#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>An activation function.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum Activation
{
    /// <summary>Identity: the layer outputs its logits.</summary>
    Linear = 0,
    /// <summary>Logistic function 1 / (1 + e^-x), element-wise.</summary>
    Sigmoid = 1,
    /// <summary>e^x_j / Σ e^x_k over the layer's outputs.</summary>
    Softmax = 2,
    /// <summary>Hyperbolic tangent, element-wise.</summary>
    Tanh = 3,
    /// <summary>max(0, x), element-wise; its derivative at 0 is taken as 0.</summary>
    Relu = 4,
}
