#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>How generated cells evaluate the gate activations σ and tanh.</summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum ActivationPrecision
{
    /// <summary>
    /// A rational approximation with a short dependency chain: at most 3e-7 absolute error for tanh and 2e-7 for σ
    /// (about 4 float ulp), far inside the 1e-5 + 1e-4·|want| agreement with PyTorch. About 1.4× faster Steps on small models.
    /// </summary>
    Fast = 0,

    /// <summary>
    /// e^x-based σ and tanh accurate to about one float ulp (1.2e-7 absolute), the accuracy of <c>MathF</c> and
    /// <c>TensorPrimitives</c>. Cells that have no vectorised variant use <c>TensorPrimitives</c> in either mode.
    /// </summary>
    Exact = 1,
}
