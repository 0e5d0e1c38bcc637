using System.CommandLine;
using System.CommandLine.Help;

namespace RnnGen.Cli.Commands;

/// <summary>The <c>rnngen</c> command line: its commands, and the exit code 2 for arguments it cannot parse.</summary>
internal static class RnnGenCommandLine
{
    /// <summary>
    /// The root is a plain command named <c>rnngen</c> rather than a RootCommand, whose name would be the executable's
    /// (RnnGen.Cli: the assembly cannot be called rnngen beside the RnnGen runtime), so help shows what users type.
    /// </summary>
    public static Command CreateRoot() => new("rnngen", "rnngen: inspect, generate, verify, benchmark and quantize RnnGen source-generated recurrent networks, and import ONNX models.")
    {
        new HelpOption(),
        new VersionOption(),
        InspectCommand.Create(),
        EmitCommand.Create(),
        VerifyCommand.Create(),
        BenchCommand.Create(),
        QuantizeCommand.Create(),
        ImportCommand.Create(),
        ExportScriptCommand.Create(),
    };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = CreateRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Bad arguments are unusable input (exit code 2), as for every command; --help lists the usage.
            foreach (var e in parse.Errors) error.WriteLine($"rnngen: {e.Message}");
            string command = parse.CommandResult.Command == root ? "rnngen" : $"rnngen {parse.CommandResult.Command.Name}";
            error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.UnusableInput;
        }
        // verify and bench run generated models, which read RNNGEN_KERNELS once: refuse a bad value here, in one line.
        try
        {
            RnnGen.Kernels.KernelSelection.Parse(Environment.GetEnvironmentVariable(RnnGen.Kernels.KernelSelection.EnvironmentVariable));
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"rnngen: {e.Message}");
            return ExitCodes.UnusableInput;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
