using IoMT.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace IoMT.Functions.Api;

/// <summary>
/// The care console at <c>/api/console/</c>. App Service Authentication signs users in with Entra ID before they reach
/// it; the console then calls the API with that session, and the API applies the same role and care-team checks.
/// </summary>
public static class ConsoleFunction
{
    [Function("Console")]
    public static IActionResult Serve([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*file}")] HttpRequest request, string? file)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ResultAction(ConsoleAssets.Serve(request.HttpContext, file));
    }
}
