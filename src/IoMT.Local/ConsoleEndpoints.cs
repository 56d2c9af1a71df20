using System.Collections.Frozen;

namespace IoMT.Local;

/// <summary>
/// The care console: static files built into this assembly (no downloads at run time), served at <c>/</c> and
/// <c>/console/*</c> under a strict content security policy. It talks to the management API with the user's token.
/// </summary>
internal static class ConsoleEndpoints
{
    private const string SecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = Load();

    public static void MapConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Serve(http, "index.html"));
        app.MapGet("/console/{file}", (HttpContext http, string file) => Serve(http, file));
    }

    private static IResult Serve(HttpContext http, string file)
    {
        if (!Files.TryGetValue(file, out var entry))
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
        var assembly = typeof(ConsoleEndpoints).Assembly;
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
