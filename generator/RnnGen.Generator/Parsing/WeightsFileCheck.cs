using System.Globalization;
using RnnGen.Generator.Contract;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;
using RnnGen.Weights;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// The outcome of checking a model's build-time weights: the manifest resource to load them from when the file fits
/// the declaration, otherwise the message the generated loader throws, and the diagnostics either way.
/// </summary>
internal sealed record WeightsCheckResult(ModelSpec Spec, string? ResourceName, string? Error, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Checks a declared weights file against the model at build time, as <c>LoadWeights</c> would at run time: the same
/// tensor names under the same detected module prefix, each with the declared shape and dtype F32 — or the I8 (with its
/// F32 per-row <c>{name}_scale</c>) or BF16 of quantized weights, which embed a quarter or half of the bytes — and no
/// extra tensors under that prefix. Values are not read here; the generated constructor's load still rejects
/// non-finite ones.
/// </summary>
internal static class WeightsFileCheck
{
    public static WeightsCheckResult Check(ModelSpec spec, LocationInfo? location, EquatableArray<WeightsFile> files)
    {
        string declared = spec.Weights!;
        var diagnostics = new List<DiagnosticInfo>();
        WeightsCheckResult Fail(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, string message)
        {
            diagnostics.Add(new DiagnosticInfo(descriptor.Id, location, ImmutableArgs(declared, spec.TypeName, message)));
            return new WeightsCheckResult(spec, null, $"The build-time weights '{declared}' did not fit: {message}", diagnostics.ToEquatableArray());
        }

        var matches = files.Where(f => f.IsNamedBy(declared)).ToList();
        // One file listed once per precision (a float32 twin beside an int8 model): each model takes the item of its own.
        if (matches.Count > 1 && matches.Where(f => (f.Precision ?? nameof(WeightPrecision.Float32)) == spec.Precision.ToString()).ToList() is { Count: 1 } own)
            matches = own;
        if (matches.Count == 0)
            return Fail(DiagnosticDescriptors.WeightsNotInBuild,
                $"is not in the build: add <RnnGenWeights Include=\"{declared}\" /> (or <AdditionalFiles Include=\"{declared}\" />) to the project file"
                + (files.Count == 0 ? "" : $"; the build has {string.Join(", ", files.Select(f => f.ProjectPath))}"));
        if (matches.Count > 1)
            return Fail(DiagnosticDescriptors.WeightsNotInBuild,
                $"matches several files ({string.Join(", ", matches.Select(f => f.ProjectPath))}); give its path as listed in the project file");
        var file = matches[0];
        if (file.Header is not { } header)
            return Fail(DiagnosticDescriptors.WeightsUnreadable, file.Error ?? "unknown error");

        var wanted = new ParameterTable(spec).Parameters;
        var byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var match = TensorNameMatching.FindPrefix(wanted.Select(p => p.Name), header.Tensors.Select(t => t.Name));
        if (match.Kind == PrefixMatchKind.Ambiguous)
            return Fail(DiagnosticDescriptors.WeightsMismatch, match.AmbiguityMessage + "; export only one of these modules' tensors (at run time, WeightLoadOptions.Prefix chooses one)");
        string prefix = match.Prefix;
        var problems = new List<string>();
        var fileNames = header.Tensors.Select(t => t.Name).ToList();
        var fileShapes = header.Tensors.Select(t => (IReadOnlyList<int>)t.Shape).ToList();
        var wantedNames = new HashSet<string>(wanted.Select(p => prefix + p.Name), StringComparer.Ordinal);
        foreach (var p in wanted)
        {
            string shape = "[" + string.Join(", ", p.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
            if (!byName.TryGetValue(prefix + p.Name, out var tensor))
                problems.Add($"tensor '{prefix}{p.Name}' is missing (the declaration needs {shape})" + Hint(spec, p, prefix + p.Name, header, fileNames, fileShapes, wantedNames));
            else if (!tensor.Shape.SequenceEqual(p.Shape))
                problems.Add($"tensor '{tensor.Name}' has shape {tensor.ShapeText} in the file but {shape} in the declaration");
            else if (tensor.DType is not ("F32" or "I8" or "BF16"))
                problems.Add($"tensor '{tensor.Name}' has dtype {tensor.DType}, but RnnGen loads F32 (or the I8 and BF16 of rnngen quantize) only (export with model.float())");
            else if (tensor.DType == "I8")
            {
                // The per-row scales of int8 weights, as LoadWeights requires them: F32 [rows].
                int rows = p.Shape.Length == 0 ? 1 : p.Shape[0];
                string scale = tensor.Name + TensorNameMatching.ScaleSuffix;
                if (!byName.TryGetValue(scale, out var scales))
                    problems.Add($"tensor '{tensor.Name}' is I8 but the file has no '{scale}' with its per-row scales (F32 [{rows.ToString(CultureInfo.InvariantCulture)}])");
                else if (scales.DType != "F32" || scales.Shape.Count != 1 || scales.Shape[0] != rows)
                    problems.Add($"tensor '{scale}' must be F32 [{rows.ToString(CultureInfo.InvariantCulture)}], one scale per row of '{tensor.Name}', but is {scales.DType} {scales.ShapeText}");
            }
        }
        var names = new HashSet<string>(wanted.Select(p => prefix + p.Name), StringComparer.Ordinal);
        foreach (var p in wanted)
            if (byName.TryGetValue(prefix + p.Name, out var t) && t.DType == "I8") names.Add(t.Name + TensorNameMatching.ScaleSuffix);
        foreach (var extra in header.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal) && !names.Contains(t.Name)))
            problems.Add($"tensor '{extra}' is not part of the declared model");
        if (problems.Count == 0) problems.AddRange(ImportedArchitecture(spec, header));
        if (problems.Count == 0)
        {
            var stored = wanted.Select(p => byName[prefix + p.Name]).ToList();
            if (PrecisionMismatch(spec, file, stored) is { } mismatch)
                return Fail(DiagnosticDescriptors.WeightsPrecisionMismatch, mismatch);
            if (spec.Precision != WeightPrecision.Float32 && file.Precision is null && stored.All(t => t.DType == "F32"))
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.WeightsEmbeddedInFloat32.Id, location, ImmutableArgs(declared, spec.TypeName, EmbeddedInFloat32(spec))));
            return new WeightsCheckResult(spec, file.ResourceName, null, diagnostics.ToEquatableArray());
        }

        // One error per tensor, each naming it and both shapes.
        foreach (string problem in problems)
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.WeightsMismatch.Id, location, ImmutableArgs(declared, spec.TypeName, problem)));
        return new WeightsCheckResult(spec, null, $"The build-time weights '{declared}' did not fit: {string.Join("; ", problems)}", diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// A file whose quantized tensors are not in the model's precision: I8 or BF16 for a Float32 model (it would multiply
    /// the dequantized values: the low precision's error at float32's cost), BF16 for an Int8 model or I8 for a BFloat16
    /// one (the model would quantize already rounded values again, rounding twice). Null when they agree.
    /// </summary>
    private static string? PrecisionMismatch(ModelSpec spec, WeightsFile file, IReadOnlyList<WeightsFileTensor> stored)
    {
        string? own = spec.Precision switch { WeightPrecision.Int8 => "I8", WeightPrecision.BFloat16 => "BF16", _ => null };
        var foreign = stored.Where(t => t.DType != "F32" && t.DType != own).ToList();
        if (foreign.Count == 0) return null;
        string dtype = foreign[0].DType;
        string names = string.Join(", ", foreign.Where(t => t.DType == dtype).Take(3).Select(t => $"'{t.Name}'")) + (foreign.Count > 3 ? ", …" : "");
        string made = file.Precision is { } stated && stated != nameof(WeightPrecision.Float32)
            ? $"the build quantized it to {stated} (Precision=\"{stated}\" on its <RnnGenWeights> item, or RnnGenWeightsPrecision)"
            : "the file was quantized before the build (rnngen quantize)";
        string why = spec.Precision == WeightPrecision.Float32
            ? "a Float32 model would multiply the dequantized values, with the low precision's error at float32's cost"
            : $"{(spec.Precision == WeightPrecision.Int8 ? "an" : "a")} {spec.Precision} model would round the already rounded values again";
        return $"it holds {dtype} tensors ({names}) but the model is {spec.Precision}: {made}, and {why}. "
            + $"Declare the model's Precision = WeightPrecision.{(dtype == "I8" ? "Int8" : "BFloat16")}, or embed the float32 file for it "
            + $"(listed with Precision=\"{spec.Precision}\", or without Precision; one file may be listed once per precision)";
    }

    /// <summary>The RNN025 text: a low-precision model whose build-time weights the build embedded as float32.</summary>
    private static string EmbeddedInFloat32(ModelSpec spec)
    {
        return $"is embedded in float32 and quantized to {spec.Precision} when the model is constructed: "
            + $"add Precision=\"{spec.Precision}\" to its <RnnGenWeights> item (or set <RnnGenWeightsPrecision>{spec.Precision}</RnnGenWeightsPrecision>) "
            + $"so that the build quantizes it and the assembly carries the small weights, or Precision=\"Float32\" to keep the float32 file "
            + "(the same numbers either way)";
    }

    /// <summary>
    /// The metadata of a file written by the ONNX import (rnngen import, or the build's conversion of ONNX weights):
    /// RnnGen.Import's ImportedModel.DeclarationKey, SourceKey and SourceOf, which this assembly cannot reference.
    /// </summary>
    private const string DeclarationKey = "rnngen.declaration", SourceKey = "source", ImportSource = "rnngen import ";

    /// <summary>
    /// An imported ONNX graph fixes what tensors cannot tell — activations, Over, GRU reset placement, tanh/ReLU — and its
    /// import records them as a declaration. Each layer attribute of that declaration must be the declared one, else the
    /// model would silently compute something other than the graph (Final and Last are the same on a unidirectional layer).
    /// </summary>
    private static IEnumerable<string> ImportedArchitecture(ModelSpec spec, WeightsFileHeader header)
    {
        if (header.MetadataValue(DeclarationKey) is not { } recorded || header.MetadataValue(SourceKey) is not { } source
            || !source.StartsWith(ImportSource, StringComparison.Ordinal))
            yield break;
        bool bidirectional = spec.Layers[spec.Layers.Count - 1].Bidirectional;
        List<string> Layers(string declaration) => declaration.Split('\n')
            .Where(l => l.StartsWith("[", StringComparison.Ordinal) && !l.StartsWith("[RecurrentModel", StringComparison.Ordinal))
            .Select(l => bidirectional ? l : l.Replace("Over = Steps.Final", "Over = Steps.Last"))
            .ToList();
        var graph = Layers(recorded);
        var declared = Layers(ModelDeclaration.Write(spec));
        for (int i = 0; i < Math.Max(graph.Count, declared.Count); i++)
        {
            string want = i < graph.Count ? graph[i] : "nothing";
            string got = i < declared.Count ? declared[i] : "nothing";
            if (want != got)
                yield return $"the ONNX graph ({source.Substring(ImportSource.Length)}) computes {want} where the declaration has {got}; declare what 'rnngen import' prints for it";
        }
    }

    /// <summary>
    /// For a missing tensor: the file's names closest to it, and the Module that would make its part name its tensors as
    /// the file does (a module holding a tensor of the same kind and shape), with the part's attribute.
    /// </summary>
    private static string Hint(ModelSpec spec, ParameterEntry p, string name, WeightsFileHeader header, IReadOnlyList<string> fileNames,
        IReadOnlyList<IReadOnlyList<int>> fileShapes, HashSet<string> wantedNames)
    {
        var text = new System.Text.StringBuilder();
        var closest = TensorNameSuggestions.Closest(name, fileNames);
        if (closest.Count > 0)
            text.Append("; closest in the file: ").Append(string.Join(", ", closest.Select(c => $"'{header.Tensors.First(t => t.Name == c)}'")));
        var modules = TensorNameSuggestions.Modules(name, p.Shape, fileNames, fileShapes, wantedNames);
        if (modules.Count > 0)
            text.Append("; to load the file's own names, set Module = ").Append(string.Join(" or ", modules.Select(m => $"\"{m}\"")))
                .Append(" on ").Append(ModelDeclaration.Describe(spec, p.Part));
        return text.ToString();
    }

    private static EquatableArray<string> ImmutableArgs(params string[] args) => args.ToEquatableArray();
}
