using IoMT.Api;

namespace IoMT.Local;

/// <summary>The care console at <c>/console/</c> (<c>/</c> leads there).</summary>
internal static class ConsoleEndpoints
{
    public static void MapConsole(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/console/"));
        app.MapGet("/console/{file?}", (HttpContext http, string? file) => ConsoleAssets.Serve(http, file));
    }
}
