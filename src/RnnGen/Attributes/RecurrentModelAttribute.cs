#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>
/// Marks a <c>partial class</c> as a recurrent model. The layer attributes on the same class
/// (<see cref="EmbeddingAttribute"/>, <see cref="LstmAttribute"/>, <see cref="GruAttribute"/>,
/// <see cref="RnnAttribute"/>, <see cref="DenseAttribute"/>) are read in declaration order, and the
/// RnnGen source generator emits <c>Step</c>, <c>Forward</c> and <c>Backward</c> for exactly that shape.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if RNNGEN_GENERATOR
internal
#else
public
#endif
sealed class RecurrentModelAttribute : Attribute
{
    /// <summary>Floats per time step fed to the first layer. Required unless the model starts with an <see cref="EmbeddingAttribute"/>.</summary>
    public int InputSize { get; set; }

    /// <summary>
    /// The unroll window T: <c>Forward</c> and <c>Backward</c> keep per-step values in buffers sized for it and
    /// accept 1..T steps. <c>Step</c> ignores it.
    /// </summary>
    public int SequenceLength { get; set; }

    /// <summary>
    /// Build-time weights: the path of a safetensors file in the project (as listed in it, or its end, e.g.
    /// <c>"gesture.safetensors"</c>), added to the build as <c>&lt;RnnGenWeights Include="gesture.safetensors" /&gt;</c> or
    /// <c>&lt;AdditionalFiles Include="gesture.safetensors" /&gt;</c>. The build checks every tensor's shape against this
    /// declaration (errors RNN017–RNN019) and embeds the file in the assembly, so the constructor loads it with no file I/O.
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// How the vectorised cells evaluate σ and tanh: <see cref="ActivationPrecision.Fast"/> (the default) or
    /// <see cref="ActivationPrecision.Exact"/>. See docs/PERFORMANCE.md for the measured speed and error of each.
    /// </summary>
    public ActivationPrecision Activations { get; set; } = ActivationPrecision.Fast;

    /// <summary>
    /// How Step and Forward store the recurrent weights: <see cref="WeightPrecision.Float32"/> (the default),
    /// <see cref="WeightPrecision.BFloat16"/> or <see cref="WeightPrecision.Int8"/>. A low-precision model keeps its
    /// float32 master weights in <c>Parameters</c> and quantized copies made from them at construction, by
    /// <c>LoadWeights</c> and by <c>QuantizeWeights()</c>, which code that writes <c>Parameters</c> directly must call.
    /// It is inference-only: <c>Backward</c> throws. See docs/quantization.md.
    /// </summary>
    public WeightPrecision Precision { get; set; } = WeightPrecision.Float32;
}
