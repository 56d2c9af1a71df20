using System.CommandLine;

namespace IoMT.Cli;

/// <summary>The <c>iomt</c> command tree. Commands write only to the given writers, so tests can run them in process.</summary>
public static class CliApp
{
    /// <summary>Exit code for command-line usage errors (unknown command, missing or malformed option).</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? httpHandler = null, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("IoMT.Cloud command-line tool.");
        root.Subcommands.Add(HealthCommand.Create(httpHandler));

        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            return UsageError;
        }

        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
