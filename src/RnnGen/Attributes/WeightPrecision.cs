#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>
/// How a model stores the recurrent weights Step and Forward multiply by (every layer's W_ih, W_hh and W_hr). Biases,
/// states, the embedding and the head stay float32 in every precision, and so do the float32 master weights in
/// <c>Parameters</c>, which loading, saving, initialisation and training use.
/// </summary>
#if RNNGEN_GENERATOR
internal
#else
public
#endif
enum WeightPrecision
{
    /// <summary>The products read the float32 parameters themselves (the default).</summary>
    Float32 = 0,

    /// <summary>
    /// Each weight rounded to bfloat16 (round to nearest even): half the bytes, and products still accumulate in float32.
    /// The model is inference-only (see docs/quantization.md).
    /// </summary>
    BFloat16 = 1,

    /// <summary>
    /// Symmetric int8 with one float32 scale per output row of each matrix: about a quarter of the bytes. Step and Forward
    /// quantize each input and hidden vector to 16-bit integers per step and multiply with integer dot products. The
    /// model is inference-only (see docs/quantization.md).
    /// </summary>
    Int8 = 2,
}
