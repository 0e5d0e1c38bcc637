using System.CommandLine;
using RnnGen.Cli.Generation;
using RnnGen.Cli.Inspection;

namespace RnnGen.Cli.Commands;

/// <summary>
/// <c>rnngen emit (MODEL.safetensors | SPEC.cs) -o OUT</c>: writes what the generator would add to a build, for build
/// systems and engines whose compiler cannot run source generators. From weights, the declaration is inferred as
/// <c>inspect</c> prints it; from C#, every <c>[RecurrentModel]</c> class in the file is generated. One model goes to the
/// file OUT; several go to the directory OUT, one file each. Exit code 0, 2 (unreadable input, invalid declaration,
/// bad output path) or 3 (no RnnGen model fits the weights).
/// </summary>
internal static class EmitCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "A .safetensors weights file, or a .cs file with [RecurrentModel] declarations." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write: a .cs file (one model), or a directory (one file per model).", Required = true };
        var options = new ModelOptions();
        var command = new Command("emit", "Write the generated C# of a model to a file.") { input, output };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(input)!;
            return CommandRunner.Run("emit", parse.InvocationConfiguration.Error, () => Run(
                path,
                parse.GetValue(output)!,
                IsSpec(path) ? null : options.Read(parse, path),
                parse.InvocationConfiguration.Output,
                parse.InvocationConfiguration.Error));
        });
        return command;
    }

    private static bool IsSpec(string path) => Path.GetExtension(path).Equals(".cs", StringComparison.OrdinalIgnoreCase);

    public static int Run(string input, string outputPath, InferenceOptions? options, TextWriter output, TextWriter? error = null)
    {
        string declarationSource;
        string sourcePath;
        IReadOnlyList<Microsoft.CodeAnalysis.AdditionalText> weights = [];
        if (options is null)
        {
            declarationSource = File.ReadAllText(CommandRunner.InputFile(input));
            sourcePath = Path.GetFullPath(input);
            weights = WeightsDescriptions.For(sourcePath, declarationSource);
        }
        else
        {
            var inferred = ArchitectureInference.Infer(WeightsFileReader.ReadHeader(input, error), options);
            if (inferred.Declaration() is not { } inferredSource)
                throw new CommandException(ExitCodes.Unsupported, $"{input}: no RnnGen model fits these tensors:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", inferred.Errors)}{Environment.NewLine}Run 'rnngen inspect {input}' for details.");
            declarationSource = inferredSource;
            sourcePath = options.TypeName + ".cs";
            foreach (string line in inferred.Defaults) output.WriteLine($"default: {line}");
        }

        var (files, errors) = SourceGeneration.Run([(sourcePath, declarationSource)], weights);
        if (errors.Count > 0)
            throw new CommandException(ExitCodes.UnusableInput, $"{input}: the declaration is not valid:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => "  " + e))}");
        if (files.Count == 0)
            throw new CommandException(ExitCodes.UnusableInput, $"{input}: no class marked [RecurrentModel] (with 'using RnnGen;' or written [RnnGen.RecurrentModel]) was found");

        // A model with build-time weights has a second part, X.Weights.g.cs, without using directives: for one model
        // written to one file, the parts are joined.
        var models = files.GroupBy(f => f.HintName.EndsWith(".Weights.g.cs", StringComparison.Ordinal) ? f.HintName[..^".Weights.g.cs".Length] : f.HintName[..^".g.cs".Length]).ToList();
        bool toDirectory = Directory.Exists(outputPath) || outputPath.EndsWith('/') || outputPath.EndsWith(Path.DirectorySeparatorChar);
        if (!toDirectory && models.Count > 1)
            throw new CommandException(ExitCodes.UnusableInput, $"{input} declares {models.Count} models; give a directory as --output to write one file each");
        try
        {
            if (toDirectory)
            {
                Directory.CreateDirectory(outputPath);
                foreach (var file in files)
                    Write(Path.Combine(outputPath, file.HintName), file.Text, output);
            }
            else
            {
                if (Path.GetDirectoryName(Path.GetFullPath(outputPath)) is { } parent) Directory.CreateDirectory(parent);
                Write(outputPath, string.Join("\n", models[0].OrderBy(f => f.HintName.Length).Select(f => f.Text)), output);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException(ExitCodes.UnusableInput, $"cannot write {outputPath}: {e.Message}");
        }
        foreach (var file in files.Where(f => f.HintName.EndsWith(".Weights.g.cs", StringComparison.Ordinal)))
        {
            var resource = System.Text.RegularExpressions.Regex.Match(file.Text, "EmbeddedWeightsResource = \"([^\"]*)\"");
            if (resource.Success)
                output.WriteLine($"note: {file.HintName[..^".Weights.g.cs".Length]} loads its weights from the manifest resource '{resource.Groups[1].Value}': embed the file under that name, e.g. <EmbeddedResource Include=\"…\" LogicalName=\"{resource.Groups[1].Value}\" />");
        }
        return ExitCodes.Success;
    }

    private static void Write(string path, string text, TextWriter output)
    {
        File.WriteAllText(path, text);
        output.WriteLine($"wrote {path} ({text.Count(c => c == '\n')} lines)");
    }
}
