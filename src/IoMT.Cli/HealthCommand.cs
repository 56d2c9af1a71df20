using System.CommandLine;
using System.Net.Http.Json;
using IoMT.Core.Health;

namespace IoMT.Cli;

/// <summary><c>iomt health [--api URL]</c>: prints the API's health summary; exit 0 when it can serve, 1 otherwise.</summary>
internal static class HealthCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var api = ApiOptions.Api();
        var command = new Command("health", "Show the version and dependency health of an IoMT.Cloud API.") { api };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = environment.Output;
            var error = environment.Error;
            if (ApiOptions.Address(parseResult, api, environment) is not { } address)
            {
                return CliApp.UsageError;
            }

            using var client = ApiOptions.CreateClient(address, environment.Http);
            try
            {
                using var response = await client.GetAsync(new Uri("api/health", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                var summary = await response.Content.ReadFromJsonAsync<HealthSummary>(CliJson.Options, cancellationToken).ConfigureAwait(false);
                if (summary is null)
                {
                    await error.WriteLineAsync($"The API answered {(int)response.StatusCode} without a health summary.").ConfigureAwait(false);
                    return 1;
                }

                await output.WriteLineAsync($"{summary.Status} (version {summary.Version})").ConfigureAwait(false);
                foreach (var check in summary.Checks)
                {
                    await output.WriteLineAsync($"  {check.Name}: {check.Status} — {check.Description}").ConfigureAwait(false);
                }

                return summary.HttpStatusCode == 200 ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                await error.WriteLineAsync($"Cannot read health from {client.BaseAddress}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
