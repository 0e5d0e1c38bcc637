namespace RnnGen.Cli.Commands;

/// <summary>The exit codes every rnngen command uses.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and its check failed (a verify case did not match).</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad arguments, or an input that cannot be read: missing, truncated, not safetensors, invalid C#.</summary>
    public const int UnusableInput = 2;

    /// <summary>The input was read, but describes a model RnnGen does not build (or whose tensors contradict each other).</summary>
    public const int Unsupported = 3;
}

/// <summary>A failure to report as one message on standard error, with the exit code it maps to.</summary>
internal sealed class CommandException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
