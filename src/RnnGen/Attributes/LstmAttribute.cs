#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>A long short-term memory layer, PyTorch <c>nn.LSTM</c> semantics and gate order (i, f, g, o).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
#if RNNGEN_GENERATOR
internal
#else
public
#endif
sealed class LstmAttribute(int hiddenSize) : RecurrentLayerAttribute(hiddenSize);
