using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace IoMT.Storage.Cosmos.Tests;

public class CosmosHealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_DatabaseReadable_Healthy()
    {
        var (check, _) = Create(database => database.ReadAsync(Arg.Any<RequestOptions>(), Arg.Any<CancellationToken>())
            .Returns(Substitute.For<DatabaseResponse>()));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("Database 'timelines' is reachable.", result.Description);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "Database 'timelines' does not exist.")]
    [InlineData(HttpStatusCode.Forbidden, "Access denied: grant the app's identity the Cosmos DB Built-in Data Contributor role.")]
    [InlineData(HttpStatusCode.Unauthorized, "Access denied: grant the app's identity the Cosmos DB Built-in Data Contributor role.")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Cosmos DB is unreachable (CosmosException).")]
    public async Task CheckHealthAsync_CosmosError_UnhealthyWithActionableDescription(HttpStatusCode status, string expected)
    {
        var (check, _) = Create(database => database.ReadAsync(Arg.Any<RequestOptions>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new CosmosException("boom", status, 0, "activity", 1)));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal(expected, result.Description);
    }

    [Fact]
    public async Task CheckHealthAsync_NetworkFailure_Unhealthy()
    {
        var (check, _) = Create(database => database.ReadAsync(Arg.Any<RequestOptions>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new HttpRequestException("no route")));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal("Cosmos DB is unreachable (HttpRequestException).", result.Description);
    }

    private static (CosmosHealthCheck Check, Database Database) Create(Action<Database> arrange)
    {
        var database = Substitute.For<Database>();
        arrange(database);
        var client = Substitute.For<CosmosClient>();
        client.GetDatabase("timelines").Returns(database);
        var options = Options.Create(new CosmosOptions { AccountEndpoint = "https://x.documents.azure.com:443/", DatabaseName = "timelines" });
        return (new CosmosHealthCheck(client, options), database);
    }
}
