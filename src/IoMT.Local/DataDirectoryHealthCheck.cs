using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Local;

/// <summary>The data folder exists and accepts writes: without it nothing can be stored durably.</summary>
internal sealed class DataDirectoryHealthCheck(DataDirectory dataDirectory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(dataDirectory.Path, $".health-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(probe, "ok", cancellationToken).ConfigureAwait(false);
            File.Delete(probe);
            return HealthCheckResult.Healthy("Data directory is writable.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("Data directory is not writable.", e);
        }
    }
}

/// <summary>The resolved, existing data folder of this host, and whether other users can open it.</summary>
internal sealed record DataDirectory(string Path, bool OpenToOthers = false);
