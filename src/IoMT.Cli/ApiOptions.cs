using System.CommandLine;

namespace IoMT.Cli;

/// <summary>Options every command that talks to the management API shares.</summary>
internal static class ApiOptions
{
    public const string TokenVariable = "IOMT_TOKEN";

    public static Option<Uri> Api() => new("--api")
    {
        Description = "Base URL of the IoMT.Cloud API (the local host or the Azure Functions app).",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"),
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"--api must be an absolute http(s) URL, got '{text}'.");
            return null;
        },
    };

    public static HttpClient CreateClient(Uri api, HttpMessageHandler? handler)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = api;
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }
}
