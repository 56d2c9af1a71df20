using IoMT.Core;
using IoMT.Core.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Functions.Api;

/// <summary><c>GET /api/health</c>: the product version and the health of every registered dependency check.</summary>
public sealed class HealthFunction(HealthCheckService healthChecks)
{
    [Function("Health")]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await healthChecks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var summary = HealthSummary.From(report, ProductInfo.Version);
        return new ObjectResult(summary) { StatusCode = summary.HttpStatusCode };
    }
}
