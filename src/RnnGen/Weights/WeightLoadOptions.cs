namespace RnnGen.Weights;

/// <summary>How <see cref="WeightsExtensions.LoadWeights(IParameterSet, SafeTensorsFile, WeightLoadOptions?)"/> matches a file's tensors to a model's.</summary>
public sealed class WeightLoadOptions
{
    /// <summary>
    /// What the file puts before each of the model's canonical names, e.g. <c>"encoder."</c> for a submodule;
    /// <c>""</c> for exactly the canonical names. Null (the default) detects it: no prefix if every canonical name is
    /// in the file, otherwise the one module path (ending in '.') under which all of them are.
    /// </summary>
    public string? Prefix { get; init; }

    /// <summary>
    /// When true, tensors under the prefix that the model does not have are skipped. When false (the default) they are
    /// an error, since they usually mean the file was saved from a different architecture. Tensors outside the prefix
    /// (a <c>head.</c> next to <c>rnn.</c>) are never considered.
    /// </summary>
    public bool IgnoreExtraTensors { get; init; }
}
