using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Core.Health;

/// <summary>
/// The body of every health endpoint (<c>/healthz</c> locally, <c>/api/health</c> in Azure): overall status,
/// product version and one entry per dependency check. Exception details are never included: they can carry
/// connection details, and the endpoint is anonymous.
/// </summary>
public sealed record HealthSummary(string Status, string Version, IReadOnlyList<DependencyHealth> Checks)
{
    /// <summary>HTTP status for the summary: 200 while the service can serve (healthy or degraded), 503 otherwise.</summary>
    [JsonIgnore]
    public int HttpStatusCode => Status == nameof(HealthStatus.Unhealthy) ? 503 : 200;

    public static HealthSummary From(HealthReport report, string version)
    {
        ArgumentNullException.ThrowIfNull(report);
        var checks = report.Entries
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => new DependencyHealth(
                entry.Key,
                entry.Value.Status.ToString(),
                Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                entry.Value.Description))
            .ToList();
        return new HealthSummary(report.Status.ToString(), version, checks);
    }
}

/// <summary>One dependency's result. <paramref name="Description"/> is written by our own checks and holds no secrets.</summary>
public sealed record DependencyHealth(string Name, string Status, double DurationMs, string? Description);
