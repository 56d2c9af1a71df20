using System.CommandLine;
using System.Net.Http.Json;

namespace IoMT.Cli;

/// <summary>Options every command that talks to the management API shares.</summary>
internal static class ApiOptions
{
    public const string TokenVariable = "IOMT_TOKEN";

    public static Option<Uri> Api(string name = "--api", string description = "Base URL of the IoMT.Cloud API (the local host or the Azure Functions app).") => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"{name} must be an absolute http(s) URL, got '{text}'.");
            return null;
        },
    };

    public static Option<string> Token() => new("--token")
    {
        Description = $"API token (local host: the admin.token file in its data folder). Default: the {TokenVariable} environment variable.",
    };

    /// <summary>A client for <paramref name="api"/>; with a token, every request carries it as a bearer token.</summary>
    public static HttpClient CreateClient(Uri api, HttpMessageHandler? handler, string? token = null, TimeSpan? timeout = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = api.AbsoluteUri.EndsWith('/') ? api : new Uri(api.AbsoluteUri + "/");
        client.Timeout = timeout ?? TimeSpan.FromSeconds(30);
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>The token from --token or the environment; null (after saying so) when there is none.</summary>
    public static string? ResolveToken(ParseResult parseResult, Option<string> option, CliEnvironment environment)
    {
        var token = parseResult.GetValue(option) ?? environment.Variable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            environment.Error.WriteLine($"No API token: pass --token or set {TokenVariable}.");
            return null;
        }

        return token.Trim();
    }

    /// <summary>Writes an API refusal (RFC 7807 problem details with our <c>code</c>) as one line; returns exit code 1.</summary>
    public static async Task<int> ReportFailureAsync(HttpResponseMessage response, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(CliJson.Options, cancellationToken).ConfigureAwait(false);
            var field = problem?.Field is { } name ? $" ({name})" : "";
            await environment.Error.WriteLineAsync($"The API refused ({status} {problem?.Code}){field}: {problem?.Detail}").ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
        {
            await environment.Error.WriteLineAsync($"The API answered {status} {response.ReasonPhrase}.").ConfigureAwait(false);
        }

        return 1;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with a management API client for the parsed <c>--api</c> and token: a missing
    /// token is a usage error (2), an unreachable API a failure (1).
    /// </summary>
    public static async Task<int> WithClientAsync(
        ParseResult parseResult, Option<Uri> api, Option<string> token, CliEnvironment environment, Func<IoMT.Client.ManagementClient, Task<int>> action,
        Uri? apiUri = null)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(action);
        if (ResolveToken(parseResult, token, environment) is not { } bearer)
        {
            return CliApp.UsageError;
        }

        using var http = CreateClient(apiUri ?? parseResult.GetRequiredValue(api), environment.Http, bearer, TimeSpan.FromMinutes(5));
        try
        {
            return await action(new IoMT.Client.ManagementClient(http)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await environment.Error.WriteLineAsync($"Cannot reach the API at {http.BaseAddress}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private sealed record Problem(string? Code, string? Detail, string? Field);
}
