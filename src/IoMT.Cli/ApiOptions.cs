using System.CommandLine;
using System.Net.Http.Json;
using IoMT.Client;

namespace IoMT.Cli;

/// <summary>Options every command that talks to the management API shares.</summary>
internal static class ApiOptions
{
    public const string TokenVariable = "IOMT_TOKEN";
    public const string ApiVariable = "IOMT_API";
    public const string GatewayVariable = "IOMT_GATEWAY";

    /// <summary>The local host's address when nothing says otherwise (its default <c>Urls</c>).</summary>
    public static readonly Uri LocalHost = new("http://127.0.0.1:5080/");

    /// <summary>
    /// An address option without a default: <see cref="Address"/> resolves it (the option, its environment variable,
    /// the local host's profile, <see cref="LocalHost"/>).
    /// </summary>
    public static Option<Uri> Api(string name = "--api", string description = "Base URL of the IoMT.Cloud API (the local host or the Azure Functions app).") => new(name)
    {
        Description = $"{description} Default: the {VariableOf(name)} environment variable, else the local host that is running (its {LocalProfile.FileName}), else {LocalHost}.",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (TryParseHttp(text) is { } uri)
            {
                return uri;
            }

            result.AddError($"{name} must be an absolute http(s) URL, got '{text}'.");
            return null;
        },
    };

    public static Option<string> Token() => new("--token")
    {
        Description = $"API token. Default: the {TokenVariable} environment variable, else the admin token of the local host that is running.",
    };

    /// <summary>
    /// Where <paramref name="option"/> points: its value; else its environment variable (<c>IOMT_API</c>,
    /// <c>IOMT_GATEWAY</c>); else the address the running local host wrote in its profile; else <see cref="LocalHost"/>.
    /// Null (after saying why) when the environment variable is not an http(s) URL.
    /// </summary>
    public static Uri? Address(ParseResult parseResult, Option<Uri> option, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(environment);
        if (parseResult.GetValue(option) is { } given)
        {
            return given;
        }

        var variable = VariableOf(option.Name);
        if (environment.Variable(variable) is { Length: > 0 } text)
        {
            var uri = TryParseHttp(text.Trim());
            if (uri is null)
            {
                environment.Error.WriteLine($"{variable} must be an absolute http(s) URL, got '{text}'.");
            }

            return uri;
        }

        var profile = environment.LocalProfile();
        return (variable == GatewayVariable ? profile?.Gateway : profile?.Api) ?? LocalHost;
    }

    private static string VariableOf(string optionName) => optionName == "--gateway" ? GatewayVariable : ApiVariable;

    private static Uri? TryParseHttp(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

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

    /// <summary>
    /// The token from --token or the environment; else, when <paramref name="api"/> is the running local host, the admin
    /// token it wrote (never sent anywhere else); null (after saying so) when there is none.
    /// </summary>
    public static string? ResolveToken(ParseResult parseResult, Option<string> option, CliEnvironment environment, Uri api)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        var token = parseResult.GetValue(option) ?? environment.Variable(TokenVariable);
        if (string.IsNullOrWhiteSpace(token) && environment.LocalProfile() is { } profile && SameOrigin(profile.Api, api))
        {
            token = ReadToken(profile.AdminTokenFile);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            environment.Error.WriteLine($"No API token: pass --token, set {TokenVariable}, or start the local host (it writes its admin token for iomt).");
            return null;
        }

        return token.Trim();
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string? ReadToken(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
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
        if ((apiUri ?? Address(parseResult, api, environment)) is not { } address || ResolveToken(parseResult, token, environment, address) is not { } bearer)
        {
            return CliApp.UsageError;
        }

        using var http = CreateClient(address, environment.Http, bearer, TimeSpan.FromMinutes(5));
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
