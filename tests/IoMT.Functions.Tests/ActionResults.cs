using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace IoMT.Functions.Tests;

internal static class ActionResults
{
    /// <summary>Runs a function's result as the Functions host would, and reads the JSON it wrote.</summary>
    public static async Task<(int Status, JsonObject Body)> ExecuteAsync(IActionResult result, HttpContext http)
    {
        var (status, body) = await ExecuteJsonAsync(result, http);
        return (status, body.AsObject());
    }

    /// <summary>As <see cref="ExecuteAsync"/>, for any JSON value (a list answers an array).</summary>
    public static async Task<(int Status, JsonNode Body)> ExecuteJsonAsync(IActionResult result, HttpContext http)
    {
        http.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, JsonNode.Parse(http.Response.Body)!);
    }
}
