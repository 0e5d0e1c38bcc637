return RnnGen.Cli.Commands.RnnGenCommandLine.Run(args, Console.Out, Console.Error);
