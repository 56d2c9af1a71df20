using IoMT.Cli;

return await CliApp.RunAsync(args, CliEnvironment.Console).ConfigureAwait(false);
