#if RNNGEN_GENERATOR
namespace RnnGen.Generator.Contract;
#else
namespace RnnGen;
#endif

/// <summary>
/// A fully connected head on top of the last recurrent layer: <c>y = act(W h + b)</c>, weights named
/// <c>head.weight</c> [outputs, features] and <c>head.bias</c> [outputs]. At most one per model, declared last.
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

    /// <summary>The output activation.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>Whether the head reads the last step only (default) or every step.</summary>
    public Steps Over { get; set; } = Steps.Last;

    /// <summary>Whether the head has a bias vector.</summary>
    public bool Bias { get; set; } = true;
}
