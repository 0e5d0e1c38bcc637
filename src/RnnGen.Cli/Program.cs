using System.CommandLine;
using RnnGen.Cli.Commands;

var root = new RootCommand("rnngen: tools for RnnGen source-generated recurrent networks.")
{
    VerifyCommand.Create(),
};
return root.Parse(args).Invoke();
