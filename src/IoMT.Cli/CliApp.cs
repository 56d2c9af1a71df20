using System.CommandLine;

namespace IoMT.Cli;

/// <summary>Where commands read and write, and what they use to reach the network, the clock and environment variables.</summary>
public sealed record CliEnvironment(
    TextReader Input, TextWriter Output, TextWriter Error, HttpMessageHandler? Http = null, TimeProvider? Time = null, Func<string, string?>? Variables = null)
{
    public static CliEnvironment Console => new(System.Console.In, System.Console.Out, System.Console.Error);

    public TimeProvider Clock => Time ?? TimeProvider.System;

    public string? Variable(string name) => (Variables ?? Environment.GetEnvironmentVariable)(name);

    /// <summary>The running local host's profile: in the data folder <c>IoMT__DataDirectory</c> names, else the default one.</summary>
    public IoMT.Client.LocalProfile? LocalProfile() =>
        IoMT.Client.LocalProfile.TryRead(Variable(IoMT.Client.LocalProfile.DataDirectoryVariable) is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : IoMT.Client.LocalProfile.DefaultDataDirectory());
}

/// <summary>The <c>iomt</c> command tree. Commands use only the given environment, so tests can run them in process.</summary>
public static class CliApp
{
    /// <summary>Exit code for command-line usage errors (unknown command, missing or malformed option, unreadable file).</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = new RootCommand("IoMT.Cloud command-line tool.")
        {
            HealthCommand.Create(environment),
            ValidateCommand.Create(environment),
            News2Command.Create(environment),
            FhirCommand.Create(environment),
            DevicesCommand.Create(environment),
            PatientsCommand.Create(environment),
            SimulateCommand.Create(environment),
            MappingsCommand.Create(environment),
            UsersCommand.CreateUsers(environment),
            UsersCommand.CreateTokens(environment),
        };

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await environment.Error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            return UsageError;
        }

        var invocation = new InvocationConfiguration { Output = environment.Output, Error = environment.Error };
        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
