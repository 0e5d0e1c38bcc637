#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>
/// A fully connected layer of the head on top of the last recurrent layer: <c>y = act(W h + b)</c>. Several in a row form
/// an MLP head, each reading the one before it; they are declared last. Weights are named <c>{Module}.weight</c>
/// [outputs, inputs] and <c>{Module}.bias</c> [outputs]; without <see cref="Module"/>, <c>head.weight</c> for a single
/// layer and <c>head.0.weight</c>, <c>head.1.weight</c>, … for several.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
#if RNNGEN_GENERATOR
internal
#else
public
#endif
sealed class DenseAttribute(int outputs, Activation activation = Activation.Linear) : Attribute
{
    /// <summary>Number of outputs K.</summary>
    public int Outputs { get; } = outputs;

    /// <summary>The layer's activation. <see cref="Activation.Softmax"/> is allowed on the head's last layer only.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>
    /// Which steps the head reads: the last step (default), every step, or the top layer's final state (PyTorch's
    /// <c>h_n</c>). Set on the head's first layer only; the layers after it read the one before.
    /// </summary>
    public Steps Over { get; set; } = Steps.Last;

    /// <summary>Whether the layer has a bias vector.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>
    /// The PyTorch module that holds the layer's tensors: <c>"fc"</c> for <c>self.fc = nn.Linear(…)</c>, <c>"head.0"</c> for the
    /// first layer of <c>self.head = nn.Sequential(…)</c>. Null (default): <c>head.</c>, or <c>head.{i}.</c> in an MLP head.
    /// </summary>
    public string? Module { get; set; }
}
