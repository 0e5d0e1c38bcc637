using System.Globalization;

namespace RnnGen.Weights;

/// <summary>Loads a model's parameters from safetensors files (such as PyTorch exports) and saves them to one.</summary>
public static class WeightsExtensions
{
    /// <summary>How many names an error message lists before it says how many more there are.</summary>
    private const int ListedNames = 8;

    /// <summary>
    /// Reads the safetensors file at <paramref name="path"/> and loads it into <paramref name="model"/>'s
    /// <see cref="IParameterSet.Parameters"/>, as <see cref="LoadWeights(IParameterSet, SafeTensorsFile, WeightLoadOptions?)"/> does.
    /// </summary>
    /// <exception cref="WeightFormatException">The file is malformed or does not fit the model; the parameters are unchanged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void LoadWeights(this IParameterSet model, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.LoadWeights(SafeTensorsFile.Read(path), options);
    }

    /// <summary>
    /// Copies every tensor of <see cref="IParameterSet.ParameterTensors"/> from <paramref name="file"/>, found under
    /// its canonical name plus a prefix (<see cref="WeightLoadOptions.Prefix"/>, detected when not given).
    /// Everything is checked first: every tensor present, shapes equal, no extra tensors under the prefix
    /// (unless <see cref="WeightLoadOptions.IgnoreExtraTensors"/>), every value finite.
    /// The parameters change only if all checks pass. The state and gradients are left as they are.
    /// </summary>
    /// <remarks>
    /// Quantized tensors load too: an <c>I8</c> tensor with its <c>F32</c> per-row scales <c>{name}_scale</c> becomes
    /// q · scale, a <c>BF16</c> tensor its exact float values. A low-precision model (<see cref="IQuantizedModel"/>)
    /// re-quantizes its copies after every load; an Int8 model takes a file's int8 tensors and scales exactly as they are.
    /// </remarks>
    /// <exception cref="WeightFormatException">The file does not fit the model; the message says which tensors and why. The parameters are unchanged.</exception>
    /// <exception cref="InvalidOperationException">The model's <see cref="IParameterSet.ParameterTensors"/> lie outside its <see cref="IParameterSet.Parameters"/>.</exception>
    public static void LoadWeights(this IParameterSet model, SafeTensorsFile file, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        string fileName = file.FileName ?? SafeTensorsFile.UnnamedSource;
        IReadOnlyList<ParameterTensor> wanted = model.ParameterTensors;
        CheckLayout(wanted, model.Parameters.Length);

        string prefix = options?.Prefix ?? DetectPrefix(wanted, file, fileName);
        if (CountMissing(wanted, file, prefix) > 0)
            throw MissingTensors(wanted, file, prefix, fileName);

        var sources = new SafeTensor[wanted.Count];
        for (int i = 0; i < sources.Length; i++)
            sources[i] = file[prefix + wanted[i].Name];

        CheckShapes(wanted, sources, fileName);
        SafeTensor?[] scales = ScalesOf(sources, file, fileName);
        if (options?.IgnoreExtraTensors != true)
            CheckNoExtraTensors(wanted, file, prefix, fileName, scales);
        foreach (SafeTensor source in sources)
            CheckFinite(source, fileName);
        foreach (SafeTensor? scale in scales)
            if (scale is not null) CheckFinite(scale, fileName);

        // Starting from the current values keeps any part of the buffer no tensor describes.
        float[] staged = model.Parameters.ToArray();
        for (int i = 0; i < sources.Length; i++)
        {
            Span<float> target = staged.AsSpan(wanted[i].Offset, wanted[i].Length);
            if (scales[i] is { } scale)
            {
                int columns = scale.Data.Length == 0 ? 0 : target.Length / scale.Data.Length;
                for (int k = 0; k < target.Length; k++) target[k] = sources[i].Data[k] * scale.Data[k / columns];
            }
            else
            {
                sources[i].Data.CopyTo(target);
            }
        }
        staged.CopyTo(model.Parameters);
        if (model is IQuantizedModel quantized)
            Requantize(quantized, wanted, sources, scales);
    }

    /// <summary>Rebuilds a low-precision model's copies after a load; an Int8 model takes int8 tensors of the file as they are.</summary>
    private static void Requantize(IQuantizedModel model, IReadOnlyList<ParameterTensor> wanted, SafeTensor[] sources, SafeTensor?[] scales)
    {
        model.QuantizeWeights();
        if (model.Precision != WeightPrecision.Int8) return;
        foreach (QuantizedTensor tensor in model.QuantizedTensors)
        {
            for (int i = 0; i < wanted.Count; i++)
            {
                if (wanted[i].Name == tensor.Name && scales[i] is { } scale)
                    WeightQuantization.Import(model, tensor, sources[i], scale);
            }
        }
    }

    /// <summary>The per-row scales of each I8 source (null for other dtypes), each checked: present, F32, one per row.</summary>
    private static SafeTensor?[] ScalesOf(SafeTensor[] sources, SafeTensorsFile file, string fileName)
    {
        var scales = new SafeTensor?[sources.Length];
        for (int i = 0; i < sources.Length; i++)
        {
            SafeTensor source = sources[i];
            if (source.DType != SafeTensor.Int8) continue;
            string name = source.Name + WeightQuantization.ScaleSuffix;
            int rows = source.ShapeSpan.Length == 0 ? 1 : source.ShapeSpan[0];
            if (!file.TryGetTensor(name, out SafeTensor? scale))
                throw WeightFormatException.For(fileName, source.Name, $"is I8 but the file has no '{name}' with its per-row scales (F32 [{rows}])");
            if (scale.DType != SafeTensor.Float32 || scale.ShapeSpan.Length != 1 || scale.ShapeSpan[0] != rows)
                throw WeightFormatException.For(fileName, name, $"must be F32 [{rows}], one scale per row of '{source.Name}', but is {scale.DType} {scale.ShapeText}");
            scales[i] = scale;
        }
        return scales;
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s parameters to a safetensors file at <paramref name="path"/>, under their
    /// canonical <c>state_dict</c> names and shapes, so that PyTorch's <c>load_state_dict(safetensors.torch.load_file(path))</c>
    /// accepts it. A generated model (<see cref="IDeclaredModel"/>) also records its declaration and the generator's
    /// version (<see cref="WeightsMetadata"/>), from which <c>rnngen inspect</c>, <c>bench</c> and <c>verify</c> rebuild
    /// exactly this model. A low-precision model (<see cref="IQuantizedModel"/>) writes its quantized recurrent weights as
    /// it runs them (see <see cref="SaveWeights(IParameterSet, string, WeightPrecision, IReadOnlyDictionary{string, string}?)"/>).
    /// The previous file, if any, is replaced only once the new one is complete.
    /// </summary>
    /// <param name="model">The model to save.</param>
    /// <param name="path">Where to write.</param>
    /// <param name="metadata">Strings to store in the header's <c>__metadata__</c> (besides the declaration); none when null.</param>
    public static void SaveWeights(this IParameterSet model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        model.ToSafeTensorsFile(metadata).Write(path);

    /// <summary>
    /// Writes <paramref name="model"/>'s parameters as <see cref="SaveWeights(IParameterSet, string, IReadOnlyDictionary{string, string}?)"/>
    /// does, with the recurrent weight matrices (<c>weight_ih</c>, <c>weight_hh</c>, <c>weight_hr</c>) in
    /// <paramref name="precision"/>: <c>I8</c> with an <c>F32</c> tensor <c>{name}_scale</c> of one scale per row, or
    /// <c>BF16</c>. Biases, the embedding and the head stay <c>F32</c>. A low-precision model asked for its own precision
    /// writes the copies it runs; otherwise the float32 parameters are quantized as such a model would quantize them.
    /// PyTorch's <c>load_state_dict</c> does not take I8 tensors; RnnGen's <c>LoadWeights</c> takes them into any model.
    /// </summary>
    public static void SaveWeights(this IParameterSet model, string path, WeightPrecision precision, IReadOnlyDictionary<string, string>? metadata = null) =>
        model.ToSafeTensorsFile(precision, metadata).Write(path);

    /// <summary>
    /// A copy of <paramref name="model"/>'s parameters as a <see cref="SafeTensorsFile"/>, one tensor per entry of
    /// <see cref="IParameterSet.ParameterTensors"/> in that order (a low-precision model's in its precision, as
    /// <see cref="SaveWeights(IParameterSet, string, IReadOnlyDictionary{string, string}?)"/> writes them); write it to a
    /// stream or bytes as needed. Its metadata records a generated model's declaration and generator version
    /// (<see cref="WeightsMetadata"/>), then <paramref name="metadata"/>, whose keys win.
    /// </summary>
    public static SafeTensorsFile ToSafeTensorsFile(this IParameterSet model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ToSafeTensorsFile(model is IQuantizedModel quantized ? quantized.Precision : WeightPrecision.Float32, metadata);
    }

    /// <summary>As <see cref="ToSafeTensorsFile(IParameterSet, IReadOnlyDictionary{string, string}?)"/>, with the recurrent weights in <paramref name="precision"/>.</summary>
    public static SafeTensorsFile ToSafeTensorsFile(this IParameterSet model, WeightPrecision precision, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(precision))
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Not a WeightPrecision.");
        IReadOnlyList<ParameterTensor> layout = model.ParameterTensors;
        ReadOnlySpan<float> parameters = model.Parameters;
        CheckLayout(layout, parameters.Length);
        var own = model is IQuantizedModel q && q.Precision == precision ? q : null;
        var tensors = new List<SafeTensor>(layout.Count);
        foreach (ParameterTensor p in layout)
        {
            QuantizedTensor? copy = own?.QuantizedTensors.FirstOrDefault(t => t.Name == p.Name);
            if (copy is not null)
                tensors.AddRange(WeightQuantization.Export(own!, copy, p.Name));
            else if (precision != WeightPrecision.Float32 && WeightQuantization.IsQuantized(p.Name))
                tensors.AddRange(WeightQuantization.Quantize(p.Name, p.Shape, parameters.Slice(p.Offset, p.Length), precision));
            else
                tensors.Add(new SafeTensor(p.Name, p.Shape, parameters.Slice(p.Offset, p.Length).ToArray()));
        }
        return new SafeTensorsFile(tensors, WithDeclaration(model, metadata));
    }

    private static IReadOnlyDictionary<string, string>? WithDeclaration(IParameterSet model, IReadOnlyDictionary<string, string>? metadata)
    {
        if (model is not IDeclaredModel declared)
            return metadata;
        var all = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WeightsMetadata.Declaration] = declared.Declaration,
            [WeightsMetadata.GeneratorVersion] = declared.GeneratorVersion,
        };
        if (metadata is not null)
        {
            foreach (var pair in metadata)
                all[pair.Key] = pair.Value;
        }
        return all;
    }

    private static void CheckLayout(IReadOnlyList<ParameterTensor> layout, int parameterCount)
    {
        foreach (ParameterTensor p in layout)
        {
            if (p.Offset < 0 || p.Length < 0 || p.Offset > parameterCount - p.Length)
                throw new InvalidOperationException($"The model's tensor {p} at offset {p.Offset} does not fit its {parameterCount} parameters.");
        }
    }

    /// <summary>The prefix <see cref="TensorNameMatching"/> finds (the same rule the build applies to build-time weights).</summary>
    private static string DetectPrefix(IReadOnlyList<ParameterTensor> wanted, SafeTensorsFile file, string fileName)
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(wanted.Select(p => p.Name), file.Tensors.Select(t => t.Name));
        return match.Kind switch
        {
            PrefixMatchKind.Found => match.Prefix,
            PrefixMatchKind.Ambiguous => throw WeightFormatException.For(fileName, null, match.AmbiguityMessage + "; choose one with WeightLoadOptions.Prefix"),
            // Nothing fits: report against the prefix that finds the most, so the message is about the nearest miss.
            _ => throw MissingTensors(wanted, file, match.Prefix, fileName),
        };
    }

    private static int CountMissing(IReadOnlyList<ParameterTensor> wanted, SafeTensorsFile file, string prefix) =>
        wanted.Count(p => !file.TryGetTensor(prefix + p.Name, out _));

    private static WeightFormatException MissingTensors(IReadOnlyList<ParameterTensor> wanted, SafeTensorsFile file, string prefix, string fileName)
    {
        ParameterTensor[] missing = wanted.Where(p => !file.TryGetTensor(prefix + p.Name, out _)).ToArray();
        IReadOnlyList<SafeTensor> present = file.Tensors;
        string where = prefix.Length == 0 ? "" : $" (looked for under the prefix '{prefix}')";
        return new WeightFormatException(
            $"{fileName}: {missing.Length} of the model's {wanted.Count} tensors not found{where}: {List(missing.Select(p => $"{prefix}{p.Name} {p.ShapeText}").ToArray())}; "
            + $"the file has {present.Count} tensors: {List(present)}.{Suggestions(wanted, missing, file, prefix)} If the file nests the model under a module name, set WeightLoadOptions.Prefix",
            fileName, missing.Length == 1 ? prefix + missing[0].Name : null);
    }

    /// <summary>How many missing tensors the message looks up the closest names for.</summary>
    private const int SuggestedTensors = 3;

    /// <summary>
    /// The file's names closest to the first missing tensors, and the <c>Module = "…"</c> that would make each declared part
    /// name its tensors as the file does (a module holding a tensor of the same kind and shape), e.g. for a PyTorch
    /// module's own state_dict loaded by a declaration without Module names.
    /// </summary>
    private static string Suggestions(IReadOnlyList<ParameterTensor> wanted, ParameterTensor[] missing, SafeTensorsFile file, string prefix)
    {
        string[] names = file.Tensors.Select(t => t.Name).ToArray();
        IReadOnlyList<int>[] shapes = file.Tensors.Select(t => (IReadOnlyList<int>)t.ShapeSpan.ToArray()).ToArray();
        var text = new System.Text.StringBuilder();
        var closest = missing.Take(SuggestedTensors)
            .Select(p => (Name: prefix + p.Name, Near: TensorNameSuggestions.Closest(prefix + p.Name, names)))
            .Where(c => c.Near.Count > 0)
            .Select(c => $"{c.Name}: {string.Join(", ", c.Near)}")
            .ToList();
        if (closest.Count > 0)
            text.Append(" Closest names in the file: ").Append(string.Join("; ", closest)).Append('.');

        // One hint per declared part: its recurrent layer (module and layer index) or its embedding / dense layer.
        var wantedNames = new HashSet<string>(wanted.Select(p => prefix + p.Name), StringComparer.Ordinal);
        int firstRecurrent = wanted.TakeWhile(p => !TensorNameSuggestions.Split(p.Name, out _, out _, out _)).Count();
        var hints = new List<string>();
        var parts = new HashSet<string>(StringComparer.Ordinal);
        foreach (ParameterTensor p in missing.Take(ListedNames))
        {
            bool recurrent = TensorNameSuggestions.Split(prefix + p.Name, out string module, out _, out int layer);
            string part = recurrent ? $"{module}.*_l{layer}" : module + ".*";
            if (!parts.Add(part))
                continue;
            IReadOnlyList<string> modules = TensorNameSuggestions.Modules(prefix + p.Name, p.Shape, names, shapes, wantedNames);
            if (modules.Count == 0)
                continue;
            string owner = recurrent ? "the recurrent layer" : IndexOf(wanted, p) < firstRecurrent ? "the [Embedding]" : "the [Dense]";
            hints.Add($"Module = {string.Join(" or ", modules.Select(m => $"\"{m}\""))} on {owner} whose tensors are now {(module.Length == 0 ? part.Substring(1) : part)}");
        }
        if (hints.Count > 0)
            text.Append(" To load the file's own names, set ").Append(string.Join(", and ", hints)).Append('.');
        return text.ToString();
    }

    private static int IndexOf(IReadOnlyList<ParameterTensor> tensors, ParameterTensor tensor)
    {
        for (int i = 0; i < tensors.Count; i++)
        {
            if (ReferenceEquals(tensors[i], tensor))
                return i;
        }
        return -1;
    }

    private static void CheckShapes(IReadOnlyList<ParameterTensor> wanted, SafeTensor[] sources, string fileName)
    {
        var mismatches = new List<int>();
        for (int i = 0; i < sources.Length; i++)
        {
            if (!wanted[i].ShapeSpan.SequenceEqual(sources[i].ShapeSpan))
                mismatches.Add(i);
        }
        if (mismatches.Count == 0)
            return;
        string[] lines = mismatches.Select(i => $"{sources[i].Name}: expected {wanted[i].ShapeText}, file has {sources[i].ShapeText}").ToArray();
        string? tensor = mismatches.Count == 1 ? sources[mismatches[0]].Name : null;
        throw new WeightFormatException($"{fileName}: shape differs from the model's: {List(lines, "; ")}", fileName, tensor);
    }

    private static void CheckNoExtraTensors(IReadOnlyList<ParameterTensor> wanted, SafeTensorsFile file, string prefix, string fileName, SafeTensor?[] scales)
    {
        var canonical = new HashSet<string>(wanted.Select(p => p.Name), StringComparer.Ordinal);
        for (int i = 0; i < scales.Length; i++)
            if (scales[i] is not null) canonical.Add(wanted[i].Name + WeightQuantization.ScaleSuffix);
        SafeTensor[] extra = file.Tensors
            .Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal) && !canonical.Contains(t.Name[prefix.Length..]))
            .ToArray();
        if (extra.Length == 0)
            return;
        string where = prefix.Length == 0 ? "" : $" under the prefix '{prefix}'";
        throw WeightFormatException.For(fileName, null,
            $"{extra.Length} {(extra.Length == 1 ? "tensor" : "tensors")}{where} not in the model: {List(extra)}. The file may be from a different architecture; set WeightLoadOptions.IgnoreExtraTensors to skip them");
    }

    private static void CheckFinite(SafeTensor tensor, string fileName)
    {
        float[] data = tensor.Data;
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
                throw WeightFormatException.For(fileName, tensor.Name,
                    $"value {data[i].ToString(CultureInfo.InvariantCulture)} at index {i} {Coordinates(tensor.ShapeSpan, i)} is not finite: the weights are corrupt, or training diverged");
        }
    }

    /// <summary>The row-major coordinates of flat index <paramref name="index"/>, e.g. <c>[5, 2]</c>.</summary>
    private static string Coordinates(ReadOnlySpan<int> shape, int index)
    {
        var coordinates = new int[shape.Length];
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            coordinates[axis] = index % shape[axis];
            index /= shape[axis];
        }
        return SafeTensor.FormatShape(coordinates);
    }

    /// <summary>The first <see cref="ListedNames"/> items as text, then how many more; only the listed ones are formatted.</summary>
    private static string List<T>(IReadOnlyList<T> items, string separator = ", ") =>
        items.Count <= ListedNames
            ? string.Join(separator, items)
            : string.Join(separator, items.Take(ListedNames)) + $"{separator}… and {items.Count - ListedNames} more";
}
