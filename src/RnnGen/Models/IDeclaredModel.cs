namespace RnnGen;

/// <summary>
/// A generated model's own declaration: <c>SaveWeights</c> records it in the file's metadata (keys
/// <see cref="Weights.WeightsMetadata.Declaration"/> and <see cref="Weights.WeightsMetadata.GeneratorVersion"/>), so
/// <c>rnngen inspect</c>, <c>bench</c> and <c>verify</c> compile exactly the model that was saved.
/// </summary>
public interface IDeclaredModel
{
    /// <summary>
    /// The model's declaration as a C# source file (<c>using RnnGen;</c>, the namespace, the attributes with the options
    /// that differ from their defaults, <c>public partial class Name { }</c>), without build-time <c>Weights</c>.
    /// </summary>
    string Declaration { get; }

    /// <summary>The version of the RnnGen generator that generated the model's code.</summary>
    string GeneratorVersion { get; }
}
