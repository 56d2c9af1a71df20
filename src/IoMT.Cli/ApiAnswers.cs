using System.Text.Json.Nodes;
using IoMT.Client;

namespace IoMT.Cli;

/// <summary>How a command reports the API's answer: a line on standard output when it succeeded, the refusal on standard error.</summary>
internal static class ApiAnswers
{
    public static async Task<int> ReportAsync(ApiResponse response, CliEnvironment environment, Func<JsonNode, string> success)
    {
        if (!response.IsSuccess)
        {
            return await FailAsync(response, environment).ConfigureAwait(false);
        }

        await environment.Output.WriteLineAsync(success(response.Body!)).ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> FailAsync(ApiResponse response, CliEnvironment environment)
    {
        await environment.Error.WriteLineAsync($"The API refused ({response.Describe()})").ConfigureAwait(false);
        return 1;
    }
}
