namespace IoMT.Cli.Tests;

/// <summary>Runs the <c>iomt</c> command tree in process and captures what it writes.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(HttpMessageHandler? http, params string[] args) =>
        await RunWithInputAsync("", http, args);

    public static async Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(string input, HttpMessageHandler? http, params string[] args)
    {
        using var reader = new StringReader(input);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, new CliEnvironment(reader, output, error, http, Variables: NoVariables));
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>No environment variables: the machine's IOMT_* and a local host running on it stay out of the tests.</summary>
    public static string? NoVariables(string name) => name == IoMT.Client.LocalProfile.DataDirectoryVariable ? NowhereDirectory : null;

    private static readonly string NowhereDirectory = Path.Combine(Path.GetTempPath(), "iomt-cli-tests-no-host");

    public static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Answers every request with one canned response and remembers the request URI and credentials.</summary>
internal sealed class StubHandler(HttpStatusCodeAndBody answer) : HttpMessageHandler
{
    public Uri? LastRequestUri { get; private set; }

    public string? LastAuthorization { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        LastRequestUri = request.RequestUri;
        LastAuthorization = request.Headers.Authorization?.ToString();
        return Task.FromResult(new HttpResponseMessage(answer.Status)
        {
            Content = new StringContent(answer.Body, System.Text.Encoding.UTF8, "application/json"),
        });
    }
}

internal sealed record HttpStatusCodeAndBody(System.Net.HttpStatusCode Status, string Body);
