using RnnGen.Cli.Conformance;
using RnnGen.Weights;

namespace RnnGen.Cli.Commands;

/// <summary>
/// Where every command's failures become what the user sees: one message on standard error, prefixed
/// <c>rnngen COMMAND:</c>, and the documented exit code, never a stack trace for a problem of the input. A command
/// runs its body through <see cref="Run"/> and checks each input path with <see cref="InputFile"/> or
/// <see cref="InputDirectory"/> before opening it, so a command added later gets the same behaviour by doing the same.
/// </summary>
internal static class CommandRunner
{
    public static int Run(string command, TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (AsCommandException(e) is { } failure)
        {
            error.WriteLine($"rnngen {command}: {failure.Message}");
            return failure.ExitCode;
        }
    }

    /// <summary><paramref name="path"/> if it names a file; otherwise a <see cref="CommandException"/> (exit code 2) that says what it names instead.</summary>
    public static string InputFile(string path)
    {
        if (Directory.Exists(path)) throw new CommandException(ExitCodes.UnusableInput, $"{path}: is a directory, not a file");
        if (!File.Exists(path)) throw new CommandException(ExitCodes.UnusableInput, $"{path}: no such file");
        return path;
    }

    /// <summary><paramref name="path"/> if it names a directory; otherwise a <see cref="CommandException"/> (exit code 2) that says what it names instead.</summary>
    public static string InputDirectory(string path, string what)
    {
        if (File.Exists(path)) throw new CommandException(ExitCodes.UnusableInput, $"{path}: is a file, not {what}");
        if (!Directory.Exists(path)) throw new CommandException(ExitCodes.UnusableInput, $"{path}: no such directory");
        return path;
    }

    /// <summary>
    /// The failures that are the input's, not RnnGen's: a file the runtime rejects, a broken reference case, a file
    /// that vanished or cannot be read between the check and the read. Anything else is a defect and keeps its trace.
    /// </summary>
    private static CommandException? AsCommandException(Exception e) => e switch
    {
        CommandException c => c,
        WeightFormatException or CaseFormatException or ModelCompilationException => new(ExitCodes.UnusableInput, e.Message),
        FileNotFoundException { FileName: { } file } => new(ExitCodes.UnusableInput, $"{file}: no such file"),
        IOException or UnauthorizedAccessException => new(ExitCodes.UnusableInput, $"cannot read or write a file: {e.Message}"),
        _ => null,
    };
}
