namespace RnnGen.Weights;

/// <summary>The safetensors metadata keys RnnGen writes and reads besides the tensors.</summary>
public static class WeightsMetadata
{
    /// <summary>
    /// The C# declaration of the model the file holds (<see cref="IDeclaredModel.Declaration"/>), written by
    /// <see cref="WeightsExtensions.SaveWeights(IParameterSet, string, IReadOnlyDictionary{string, string}?)"/> and <c>rnngen import</c>; <c>rnngen inspect</c>, <c>bench</c> and
    /// <c>verify</c> compile it instead of inferring a model from the tensors.
    /// </summary>
    public const string Declaration = "rnngen.declaration";

    /// <summary>The version of the RnnGen generator that wrote the declared model; <c>rnngen</c> warns when its own differs.</summary>
    public const string GeneratorVersion = "rnngen.generator_version";
}
