namespace RnnGen.Cli.Commands;

/// <summary>Runs a command body and turns a <see cref="CommandException"/> into its message on standard error and its exit code.</summary>
internal static class CommandRunner
{
    public static int Run(string command, TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CommandException e)
        {
            error.WriteLine($"rnngen {command}: {e.Message}");
            return e.ExitCode;
        }
    }
}
