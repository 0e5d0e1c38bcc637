using System.Reflection;

namespace RnnGen.Weights;

/// <summary>
/// Loads weights that the build embedded in an assembly (<c>[RecurrentModel(Weights = "…")]</c>). Generated constructors
/// call it; the resource is the safetensors file itself, so loading applies every check <see cref="WeightsExtensions.LoadWeights(IParameterSet, SafeTensorsFile, WeightLoadOptions?)"/> does.
/// </summary>
public static class EmbeddedWeights
{
    /// <summary>The manifest resource prefix under which the RnnGen build targets embed weight files.</summary>
    public const string ResourcePrefix = "RnnGen.Weights/";

    /// <summary>Loads the safetensors manifest resource <paramref name="resourceName"/> of <paramref name="assembly"/> into <paramref name="model"/>.</summary>
    /// <exception cref="InvalidOperationException">The assembly has no such resource (the weights item was removed from the project).</exception>
    /// <exception cref="WeightFormatException">The embedded file does not fit the model (for instance, a value is not finite).</exception>
    public static void Load(IRecurrentModel model, Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(resourceName);
        using Stream stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Assembly {assembly.GetName().Name} has no embedded weights '{resourceName}'. Build it with the RnnGen package's targets, which embed each <RnnGenWeights> file.");
        model.LoadWeights(SafeTensorsFile.Read(stream, resourceName));
    }
}
