using RnnGen.Generator.Emit;
using RnnGen.Weights;

namespace RnnGen.Cli.Inspection;

/// <summary>
/// Files written by <c>SaveWeights</c> (and <c>rnngen import</c>) record the generator version of the model they hold
/// (<see cref="WeightsMetadata.GeneratorVersion"/>). The tool compiles models with the generator it embeds; when the two
/// differ, the code it runs may differ from the code that wrote the file, and it says so in one line on standard error.
/// </summary>
internal static class GeneratorVersionCheck
{
    /// <summary>The warning for <paramref name="path"/>, or null when it records no version or this tool's own.</summary>
    public static string? Warning(string path, string? recorded)
        => recorded is null || recorded == GeneratorInfo.Version
            ? null
            : $"rnngen: warning: {path} was written with RnnGen generator {recorded}, but this rnngen embeds generator {GeneratorInfo.Version}; the code it generates may differ";

    /// <summary>Writes <see cref="Warning"/>, if any, to <paramref name="error"/>.</summary>
    public static void Warn(string path, string? recorded, TextWriter? error)
    {
        if (Warning(path, recorded) is { } line) error?.WriteLine(line);
    }
}
