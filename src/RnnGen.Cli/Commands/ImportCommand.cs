using System.CommandLine;
using RnnGen.Cli.Inspection;
using RnnGen.Import;
using RnnGen.Import.Model;
using RnnGen.Weights;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen import MODEL.onnx [-o Model.cs] [--weights-out W.safetensors]</c>: maps an ONNX graph onto RnnGen layers,
/// writes the weights under the declaration's tensor names (the declaration recorded in the file's metadata), and prints
/// or writes the declaration with the choices the import made. Exit code 0, 2 (unreadable file, unwritable output) or
/// 3 (a graph RnnGen cannot build; the message names the node).
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "An ONNX file with LSTM / GRU / RNN nodes (torch.onnx.export, tf2onnx, …)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the declaration to this .cs file instead of printing it." };
        var weightsOut = new Option<string?>("--weights-out") { Description = "Where to write the weights (default: MODEL with the extension .safetensors)." };
        var options = new ModelOptions();
        var command = new Command("import", "Import an ONNX recurrent model: write PyTorch-named safetensors weights and the C# declaration that loads them.") { model, output, weightsOut };
        options.AddTo(command);
        command.SetAction(parse => CommandRunner.Run("import", parse.InvocationConfiguration.Error, () => Run(
            parse.GetValue(model)!, parse.GetValue(output), parse.GetValue(weightsOut), options.Read(parse, parse.GetValue(model)!),
            parse.InvocationConfiguration.Output)));
        return command;
    }

    public static int Run(string path, string? declarationPath, string? weightsPath, InferenceOptions options, TextWriter output)
    {
        ImportedModel imported;
        try
        {
            imported = OnnxImporter.Import(path);
        }
        catch (ImportException e)
        {
            throw new CommandException(e.Failure == ImportFailure.Unreadable ? ExitCodes.UnusableInput : ExitCodes.Unsupported, e.Message);
        }

        int window = options.SequenceLength ?? imported.FixedSteps ?? InferenceOptions.DefaultSequenceLength;
        string declaration = DeclarationText.Write(imported.Model, options.TypeName, window, options.Namespace);
        weightsPath ??= Path.ChangeExtension(path, ".safetensors");
        RefuseToOverwriteOtherWeights(weightsPath);
        Write(weightsPath, () => imported.ToSafeTensors(declaration, ImportedModel.SourceOf(Path.GetFileName(path)), Generator.Emit.GeneratorInfo.Version).Write(weightsPath));
        if (declarationPath is not null) Write(declarationPath, () => File.WriteAllText(declarationPath, declaration));

        var m = imported.Model;
        output.WriteLine($"{path}: {ModelSummary.Describe(m)}; input '{imported.InputName}', output '{imported.OutputName}'");
        output.WriteLine($"wrote {weightsPath} ({imported.Tensors.Count} tensors, {imported.Tensors.Sum(t => (long)t.Data.Length):N0} values; the declaration is recorded in its metadata)");
        if (declarationPath is not null) output.WriteLine($"wrote {declarationPath}");
        output.WriteLine();
        output.WriteLine("Choices made:");
        foreach (string note in imported.Notes) output.WriteLine("  - " + note);
        if (options.SequenceLength is null)
            output.WriteLine($"  - SequenceLength = {window}: {(imported.FixedSteps is not null ? "the length the graph was exported with" : "the graph does not fix it")}; set it to the longest sequence Forward will see (--sequence-length N)");
        if (declarationPath is null)
        {
            output.WriteLine();
            output.WriteLine("Declaration:");
            output.WriteLine();
            output.Write(declaration);
        }
        output.WriteLine();
        output.WriteLine($"Load it with: model.LoadWeights(\"{Path.GetFileName(weightsPath)}\");  check it with: rnngen verify CASE_DIR (a directory with {Path.GetFileName(path)} and case.json)");
        return ExitCodes.Success;
    }

    /// <summary>An existing file that an import did not write (e.g. the module's own state_dict beside model.onnx) is not replaced.</summary>
    private static void RefuseToOverwriteOtherWeights(string path)
    {
        if (!File.Exists(path)) return;
        bool ours;
        try
        {
            // SaveWeights records a declaration too, so the source says who wrote it: trained weights are never replaced.
            ours = ImportedModel.WrittenByImport(SafeTensorsFile.Read(path).Metadata);
        }
        catch (Exception e) when (e is WeightFormatException or IOException or UnauthorizedAccessException)
        {
            ours = false;
        }
        if (!ours)
            throw new CommandException(ExitCodes.UnusableInput, $"{path} exists and was not written by rnngen import; choose another file with --weights-out");
    }

    private static void Write(string path, Action write)
    {
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent) Directory.CreateDirectory(parent);
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException(ExitCodes.UnusableInput, $"cannot write {path}: {e.Message}");
        }
    }
}
