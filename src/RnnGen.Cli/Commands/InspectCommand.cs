using System.CommandLine;
using RnnGen.Cli.Inspection;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen inspect MODEL.safetensors</c>: infers the whole model from a state_dict's own names and shapes (metadata
/// settles what shapes cannot), prints each part with the tensors it rests on, the choices it made and how to change
/// them, tensors it does not understand and inconsistent ones by name, layers whose size is off the vector grid
/// (<see cref="VectorGrid"/>), and the C# declaration that loads the file as it is. Exit code 0, 2 (unreadable file) or
/// 3 (no RnnGen model fits the tensors).
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A safetensors file of a PyTorch state_dict: nn.LSTM / nn.GRU / nn.RNN modules, optionally an nn.Embedding and Linear layers, under the module's own names." };
        var options = new ModelOptions();
        var command = new Command("inspect", "Infer a model from its weights and print the C# declaration that loads them as they are.") { model };
        options.AddTo(command);
        command.SetAction(parse => CommandRunner.Run("inspect", parse.InvocationConfiguration.Error,
            () => Run(parse.GetValue(model)!, options.Read(parse, parse.GetValue(model)!), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        return command;
    }

    public static int Run(string path, InferenceOptions options, TextWriter output, TextWriter? error = null)
    {
        var header = WeightsFileReader.ReadHeader(path, error);
        var inferred = ArchitectureInference.Infer(header, options);

        long parameters = header.Tensors.Sum(t => t.Shape.Aggregate(1L, (a, d) => a * d));
        var architectureKeys = header.Metadata.Where(m => m.Key is "cell" or "head").Select(m => $"{m.Key}={m.Value}").ToList();
        output.WriteLine($"{path}: {header.Tensors.Count} tensors, {parameters:N0} values; "
            + (architectureKeys.Count > 0 ? $"metadata {string.Join(", ", architectureKeys)} settles what shapes cannot" : "no RnnGen metadata, so everything below comes from tensor names and shapes"));
        output.WriteLine();
        foreach (string part in inferred.Parts) output.WriteLine("  " + part);
        Section(output, "Chosen defaults (the weights cannot tell):", inferred.Defaults);
        Section(output, "Warnings:", inferred.Warnings);
        if (inferred.Model is { } model) Section(output, "Speed:", VectorGrid.Notes(model).ToList());
        Section(output, "Errors:", inferred.Errors);
        string? declaration = inferred.Declaration();
        if (declaration is null)
        {
            throw new CommandException(ExitCodes.Unsupported,
                $"{path}: no RnnGen model fits these tensors ({inferred.Errors.Count} error{(inferred.Errors.Count == 1 ? "" : "s")} above)");
        }
        output.WriteLine();
        output.WriteLine(inferred.RecordedDeclaration is null ? "Declaration:" : "Declaration (recorded in the file):");
        output.WriteLine();
        output.Write(declaration);
        return ExitCodes.Success;
    }

    private static void Section(TextWriter output, string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0) return;
        output.WriteLine();
        output.WriteLine(title);
        foreach (string line in lines) output.WriteLine("  - " + line);
    }
}
