using System.Collections.Frozen;

namespace IoMT.Api;

/// <summary>
/// The care console: static files built into this assembly (no downloads at run time), served by both hosts at
/// <c>/console/</c> (IoMT.Local) or <c>/api/console/</c> (the Functions app) under a strict content security policy.
/// They call the management API at <c>/api</c> with the user's token (locally) or App Service Authentication's
/// session (in Azure).
/// </summary>
public static class ConsoleAssets
{
    public const string IndexFile = "index.html";

    private const string SecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = Load();

    /// <summary>The file (<see cref="IndexFile"/> when <paramref name="file"/> is empty) with its security headers, or 404.</summary>
    public static IResult Serve(HttpContext http, string? file)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!Files.TryGetValue(string.IsNullOrEmpty(file) ? IndexFile : file, out var entry))
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = SecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(entry.Content, entry.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        const string Prefix = "console/";
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToFrozenDictionary(
            name => name[Prefix.Length..],
            name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var type = Path.GetExtension(name) switch
                {
                    ".html" => "text/html; charset=utf-8",
                    ".css" => "text/css; charset=utf-8",
                    ".js" => "text/javascript; charset=utf-8",
                    _ => "application/octet-stream",
                };
                return (copy.ToArray(), type);
            },
            StringComparer.Ordinal);
    }
}
