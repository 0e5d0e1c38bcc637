#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>A gated recurrent unit layer, gate order (r, z, n).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
#if RNNGEN_GENERATOR
internal
#else
public
#endif
sealed class GruAttribute(int hiddenSize) : RecurrentLayerAttribute(hiddenSize)
{
    /// <summary>
    /// Where the reset gate applies. <c>true</c> (default): after the recurrent matmul,
    /// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c> (PyTorch, Keras <c>reset_after=True</c>, ONNX <c>linear_before_reset=1</c>).
    /// <c>false</c>: before it, <c>n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)</c> (Cho et al.; Keras <c>reset_after=False</c>, ONNX default).
    /// </summary>
    public bool ResetAfter { get; set; } = true;
}
