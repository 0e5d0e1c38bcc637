using System.CommandLine;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen export-script [-o FILE]</c>: prints (or writes) rnngen_export.py, the Python script users run beside their
/// PyTorch model to write model.safetensors, model.onnx and a case.json for <c>rnngen verify</c>. It ships inside the
/// tool, so the script always matches the tool that reads its output.
/// </summary>
internal static class ExportScriptCommand
{
    public const string ResourceName = "RnnGen.Cli.Scripts.rnngen_export.py";

    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the script to this file instead of printing it." };
        var command = new Command("export-script", "Print rnngen_export.py: exports a PyTorch module's weights, ONNX graph and a verification case.") { output };
        command.SetAction(parse => CommandRunner.Run("export-script", parse.InvocationConfiguration.Error,
            () => Run(parse.GetValue(output), parse.InvocationConfiguration.Output)));
        return command;
    }

    public static string Script()
    {
        using var stream = typeof(ExportScriptCommand).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the tool was built without {ResourceName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static int Run(string? path, TextWriter output)
    {
        if (path is null)
        {
            output.Write(Script());
            return ExitCodes.Success;
        }
        try
        {
            File.WriteAllText(path, Script());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException(ExitCodes.UnusableInput, $"cannot write {path}: {e.Message}");
        }
        output.WriteLine($"wrote {path}; use it beside your model: from rnngen_export import export; export(model, sample_input, \"out/\")");
        return ExitCodes.Success;
    }
}
