namespace RnnGen.Generator;

/// <summary>Names of the pipeline steps, so tests can check that an unrelated edit leaves each step cached.</summary>
internal static class TrackingNames
{
    public const string Parsed = nameof(Parsed);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Specs = nameof(Specs);
    public const string WeightsFiles = nameof(WeightsFiles);
    public const string EmbeddedWeights = nameof(EmbeddedWeights);
}
