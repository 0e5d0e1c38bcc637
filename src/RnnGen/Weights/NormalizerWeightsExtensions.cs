using RnnGen.Streaming;

namespace RnnGen.Weights;

/// <summary>
/// Keeps a model's input normalisation with its weights: the <see cref="ZScoreNormalizer"/> statistics travel in the
/// safetensors header's <c>__metadata__</c> (<see cref="ZScoreNormalizer.MeanKey"/>, <see cref="ZScoreNormalizer.StdKey"/>,
/// <see cref="ZScoreNormalizer.CountKey"/>), so a deployment cannot pair weights with statistics from another run.
/// PyTorch's <c>safetensors.torch.load_file</c> ignores the metadata; <c>safe_open(...).metadata()</c> reads it.
/// </summary>
public static class NormalizerWeightsExtensions
{
    /// <summary>
    /// Writes <paramref name="model"/>'s parameters as <see cref="WeightsExtensions.SaveWeights(IParameterSet, string, IReadOnlyDictionary{string, string}?)"/> does, with
    /// <paramref name="normalizer"/>'s statistics and any further <paramref name="metadata"/> in the header.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The normaliser's channel count differs from the model's input size, or <paramref name="metadata"/> uses one of
    /// the normaliser's keys.
    /// </exception>
    public static void SaveWeightsAndNormalizer(this IRecurrentModel model, string path, ZScoreNormalizer normalizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(normalizer);
        if (normalizer.Channels != model.InputSize)
            throw new ArgumentException($"The normaliser has {normalizer.Channels} channels but the model takes {model.InputSize} floats per step.", nameof(normalizer));
        var combined = new Dictionary<string, string>(normalizer.ToMetadata());
        if (metadata is not null)
        {
            foreach ((string key, string value) in metadata)
            {
                if (!combined.TryAdd(key, value))
                    throw new ArgumentException($"Metadata key '{key}' is reserved for the normaliser's statistics.", nameof(metadata));
            }
        }
        model.SaveWeights(path, combined);
    }

    /// <summary>Reads the file at <paramref name="path"/> and loads it as <see cref="LoadWeightsAndNormalizer(IRecurrentModel, SafeTensorsFile, WeightLoadOptions?)"/> does.</summary>
    /// <exception cref="WeightFormatException">The file is malformed, lacks valid statistics, or does not fit the model; the parameters are unchanged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ZScoreNormalizer LoadWeightsAndNormalizer(this IRecurrentModel model, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.LoadWeightsAndNormalizer(SafeTensorsFile.Read(path), options);
    }

    /// <summary>
    /// Loads <paramref name="file"/>'s tensors into <paramref name="model"/> as <see cref="WeightsExtensions.LoadWeights(IParameterSet, SafeTensorsFile, WeightLoadOptions?)"/>
    /// does and returns the frozen normaliser stored in its metadata. The statistics are checked before any parameter changes.
    /// </summary>
    /// <exception cref="WeightFormatException">
    /// The statistics are missing or malformed, their channel count differs from the model's input size, or the tensors
    /// do not fit the model; the parameters are unchanged.
    /// </exception>
    public static ZScoreNormalizer LoadWeightsAndNormalizer(this IRecurrentModel model, SafeTensorsFile file, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        string fileName = file.FileName ?? SafeTensorsFile.UnnamedSource;
        ZScoreNormalizer normalizer;
        try
        {
            normalizer = ZScoreNormalizer.FromMetadata(file.Metadata);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            throw WeightFormatException.For(fileName, null, $"no usable normaliser statistics in the metadata: {e.Message}", e);
        }
        if (normalizer.Channels != model.InputSize)
            throw WeightFormatException.For(fileName, null,
                $"the normaliser statistics have {normalizer.Channels} channels but the model takes {model.InputSize} floats per step");
        model.LoadWeights(file, options);
        return normalizer;
    }
}
