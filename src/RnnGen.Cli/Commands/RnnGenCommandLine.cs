using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using RnnGen.Generator.Emit;

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
        new VersionOption { Action = new VersionAction() },
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

/// <summary>
/// <c>rnngen --version</c>: the tool's version and the version of the generator it embeds, which is what <c>verify</c>,
/// <c>bench</c> and <c>emit</c> generate with and what the files <c>SaveWeights</c> writes are compared against.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine($"rnngen {ToolVersion} (RnnGen generator {GeneratorInfo.Version})");
        return ExitCodes.Success;
    }

    private static string ToolVersion
    {
        get
        {
            string version = typeof(VersionAction).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0";
            int metadata = version.IndexOf('+');
            return metadata < 0 ? version : version[..metadata];
        }
    }
}
