using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IoMT.Storage.Cosmos;

/// <summary>Reads the timeline database: proves the endpoint is reachable, the identity is authorized and the database exists.</summary>
public sealed class CosmosHealthCheck(CosmosClient client, IOptions<CosmosOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var databaseName = options.Value.DatabaseName;
        try
        {
            await client.GetDatabase(databaseName).ReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Database '{databaseName}' is reachable.");
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return HealthCheckResult.Unhealthy($"Database '{databaseName}' does not exist.", e);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return HealthCheckResult.Unhealthy(
                "Access denied: grant the app's identity the Cosmos DB Built-in Data Contributor role.", e);
        }
        catch (Exception e) when (e is CosmosException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"Cosmos DB is unreachable ({e.GetType().Name}).", e);
        }
    }
}
