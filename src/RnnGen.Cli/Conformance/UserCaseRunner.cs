using System.Globalization;
using RnnGen.Import;
using RnnGen.Import.Model;
using RnnGen.Weights;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// Runs user cases (<see cref="UserCase"/>) through models built by this generator. A case with model.onnx is imported
/// and its declaration compiled; a case with model.safetensors is compiled from the declaration given on the command
/// line or recorded in the file's metadata. Each model runs <c>x</c> from a zero state, and its output is compared with
/// <c>y</c> at |got − want| ≤ 1e-5 + 1e-4·|want|. A declaration the generator rejects is that case's failure, with the
/// compiler's messages.
/// </summary>
public static class UserCaseRunner
{
    private sealed record Check(UserCase Case, string Label, string Source, string? TypeName, SafeTensorsFile? Weights, string? WeightsPath);

    /// <param name="declarationPath">A .cs file declaring the model of every case's model.safetensors, or null.</param>
    /// <param name="notes">Receives what was not checked and why.</param>
    /// <param name="precision">
    /// A low precision compiles each declaration in it too and checks that model's output against the float32 model
    /// running the same rounded weights (<see cref="PrecisionCheck"/>).
    /// </param>
    /// <param name="error">Receives a warning for each file written by another generator version.</param>
    public static IReadOnlyList<CaseResult> Run(IReadOnlyList<UserCase> cases, string? declarationPath, List<string> notes,
        WeightPrecision precision = WeightPrecision.Float32, TextWriter? error = null)
    {
        string? declaration = null;
        if (declarationPath is not null)
        {
            try
            {
                declaration = File.ReadAllText(declarationPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CaseFormatException($"{declarationPath}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "cannot be read: " + e.Message)}");
            }
        }

        var results = new List<CaseResult>();
        var checks = new List<Check>();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            bool onnx = File.Exists(c.OnnxPath), weights = File.Exists(c.WeightsPath);
            if (onnx)
            {
                try
                {
                    var model = OnnxImporter.Import(c.OnnxPath);
                    string typeName = "Imported" + i.ToString(CultureInfo.InvariantCulture);
                    string source = DeclarationText.Write(model.Model, typeName, Math.Max(c.Steps, 1), "RnnGen.Verify");
                    checks.Add(new Check(c, "onnx", source, "RnnGen.Verify." + typeName, model.ToSafeTensors(), null));
                }
                catch (ImportException e)
                {
                    results.Add(new CaseResult($"{c.Name} (onnx)", [], e.Message));
                }
            }
            if (weights)
            {
                string? source = declaration ?? RecordedDeclaration(c.WeightsPath, error);
                if (source is not null) checks.Add(new Check(c, "safetensors", source, null, null, c.WeightsPath));
                else if (onnx) notes.Add($"{c.Name}: model.safetensors not checked: it records no declaration; pass --declaration FILE.cs (rnngen inspect {c.WeightsPath} prints one)");
                else results.Add(new CaseResult($"{c.Name} (safetensors)", [], $"no declaration for {c.WeightsPath}: pass --declaration FILE.cs (rnngen inspect {c.WeightsPath} prints one)"));
            }
        }

        // Imported declarations have unique names and compile together (if that fails, each on its own, so one cannot
        // fail the others); any other declaration compiles on its own.
        var imported = checks.Where(k => k.TypeName is not null).ToList();
        var compiled = new Dictionary<Check, (CompiledModels? Models, string? Error)>();
        if (imported.Count > 0)
        {
            try
            {
                var models = ModelCompiler.Compile(imported.Select(k => k.Source).ToList());
                foreach (var k in imported) compiled[k] = (models, null);
            }
            catch (ModelCompilationException)
            {
                foreach (var k in imported) compiled[k] = CompileAlone(k.Source);
            }
        }
        var bySource = new Dictionary<string, (CompiledModels?, string?)>(StringComparer.Ordinal);
        foreach (var k in checks.Where(k => !compiled.ContainsKey(k)))
        {
            if (!bySource.TryGetValue(k.Source, out var result)) bySource[k.Source] = result = CompileAlone(k.Source);
            compiled[k] = result;
        }

        var lowBySource = new Dictionary<string, (CompiledModels?, string?)>(StringComparer.Ordinal);
        var twinBySource = new Dictionary<string, (CompiledModels?, string?)>(StringComparer.Ordinal);
        (CompiledModels?, string?) Twins(string source) => twinBySource.TryGetValue(source, out var twin)
            ? twin : twinBySource[source] = CompileAlone(DeclarationPrecision.Apply(source, WeightPrecision.Float32));
        foreach (var k in checks)
        {
            string name = $"{k.Case.Name} ({k.Label}{(precision == WeightPrecision.Float32 ? "" : ", " + DeclarationPrecision.Name(precision))})";
            var (models, failure) = compiled[k];
            if (models is null)
            {
                results.Add(new CaseResult(name, [], failure));
                continue;
            }
            if (precision == WeightPrecision.Float32)
            {
                results.Add(RunOne(name, k, models));
                continue;
            }
            if (!lowBySource.TryGetValue(k.Source, out var low)) lowBySource[k.Source] = low = CompileAlone(DeclarationPrecision.Apply(k.Source, precision));
            // The twin is float32 even when the declaration is not (a file saved by an int8 model records Precision = Int8).
            var twins = DeclarationPrecision.Declares(k.Source) ? Twins(k.Source) : (models, null);
            results.Add(low.Item1 is not { } lowModels ? new CaseResult(name, [], low.Item2)
                : twins.Item1 is not { } twinModels ? new CaseResult(name, [], twins.Item2)
                : RunInPrecision(name, k, lowModels, twinModels));
        }
        return results.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The declaration <c>rnngen import</c> or <c>SaveWeights</c> recorded in the file's metadata, if any.</summary>
    private static string? RecordedDeclaration(string path, TextWriter? error)
    {
        try
        {
            var metadata = SafeTensorsFile.Read(path).Metadata;
            if (!metadata.TryGetValue(WeightsMetadata.Declaration, out var declaration)) return null;
            Inspection.GeneratorVersionCheck.Warn(path, metadata.TryGetValue(WeightsMetadata.GeneratorVersion, out var version) ? version : null, error);
            return declaration;
        }
        catch (Exception e) when (e is WeightFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (CompiledModels?, string?) CompileAlone(string source)
    {
        try
        {
            return (ModelCompiler.Compile([source]), null);
        }
        catch (ModelCompilationException e)
        {
            return (null, "the declaration did not compile:" + string.Concat(e.Errors.Take(8).Select(m => Environment.NewLine + "    " + m))
                + (e.Errors.Count > 8 ? $"{Environment.NewLine}    … and {e.Errors.Count - 8} more" : ""));
        }
    }

    private static CaseResult RunOne(string name, Check k, CompiledModels models)
    {
        try
        {
            return new CaseResult(name, [CaseRunner.Compare("y", Outputs(Loaded(k, models), k.Case), k.Case.Expected)]);
        }
        catch (Exception e) when (e is WeightFormatException or ArgumentException or InvalidOperationException or IOException)
        {
            return new CaseResult(name, [], e.Message);
        }
    }

    /// <summary>The low-precision model's output against its float32 twin running the same rounded weights.</summary>
    private static CaseResult RunInPrecision(string name, Check k, CompiledModels low, CompiledModels twins)
    {
        try
        {
            var model = Loaded(k, low);
            var twin = Loaded(k, twins);
            PrecisionCheck.LoadRoundedWeights(twin, (IQuantizedModel)model);
            return new CaseResult(name, [PrecisionCheck.AgainstReference("y", Outputs(model, k.Case), Outputs(twin, k.Case), k.Case.Expected)]);
        }
        catch (Exception e) when (e is WeightFormatException or ArgumentException or InvalidOperationException or IOException)
        {
            return new CaseResult(name, [], e.Message);
        }
    }

    /// <summary>The check's model, created from <paramref name="models"/>, with the case's weights.</summary>
    private static IRecurrentModel Loaded(Check k, CompiledModels models)
    {
        string typeName = k.TypeName ?? models.ModelTypeNames switch
        {
            [var only] => only,
            var all => throw new InvalidOperationException($"the declaration declares {all.Count} models ({string.Join(", ", all)}); verify needs exactly one"),
        };
        var model = models.Create(typeName);
        if (k.Weights is not null) model.LoadWeights(k.Weights);
        else model.LoadWeights(k.WeightsPath!);
        return model;
    }

    /// <summary>The model's outputs for the case's x from a zero state.</summary>
    private static float[] Outputs(IRecurrentModel model, UserCase c)
    {
        if (c.Steps > model.SequenceLength)
            throw new InvalidOperationException($"x has {c.Steps} steps but the model's SequenceLength is {model.SequenceLength}");
        model.ResetState();
        var outputs = new float[(model.OutputsEveryStep ? c.Steps : 1) * model.OutputSize];
        switch (model)
        {
            case ITokenSequenceModel tokens when c.Tokens is not null:
                tokens.Forward(c.Tokens, outputs);
                break;
            case ISequenceModel sequence when c.X is not null:
                if (c.Features != model.InputSize)
                    throw new InvalidOperationException($"x has {c.Features} features per step but the model takes {model.InputSize}");
                sequence.Forward(c.X, outputs);
                break;
            default:
                throw new InvalidOperationException(c.Tokens is not null ? "x holds token ids but the model has no [Embedding]" : "x holds features but the model takes token ids");
        }
        return outputs;
    }
}
