using IoMT.Core;
using IoMT.Core.Health;
using IoMT.Functions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Functions.Tests.Api;

public class HealthFunctionTests
{
    [Fact]
    public async Task RunAsync_AllChecksHealthy_Returns200WithVersionAndChecks()
    {
        var function = new HealthFunction(HealthChecks(("cosmos", HealthCheckResult.Healthy("Database 'iomt' is reachable."))));

        var result = Assert.IsType<ObjectResult>(await function.RunAsync(new DefaultHttpContext().Request, CancellationToken.None));

        Assert.Equal(200, result.StatusCode);
        var summary = Assert.IsType<HealthSummary>(result.Value);
        Assert.Equal("Healthy", summary.Status);
        Assert.Equal(ProductInfo.Version, summary.Version);
        var check = Assert.Single(summary.Checks);
        Assert.Equal(("cosmos", "Healthy", "Database 'iomt' is reachable."), (check.Name, check.Status, check.Description));
    }

    [Fact]
    public async Task RunAsync_OneDependencyUnhealthy_Returns503AndNamesIt()
    {
        var function = new HealthFunction(HealthChecks(
            ("cosmos", HealthCheckResult.Unhealthy("Cosmos DB is unreachable (HttpRequestException).", new HttpRequestException("secret-host:443"))),
            ("clock", HealthCheckResult.Healthy())));

        var result = Assert.IsType<ObjectResult>(await function.RunAsync(new DefaultHttpContext().Request, CancellationToken.None));

        Assert.Equal(503, result.StatusCode);
        var summary = Assert.IsType<HealthSummary>(result.Value);
        Assert.Equal("Unhealthy", summary.Status);
        Assert.Equal(["clock", "cosmos"], summary.Checks.Select(c => c.Name));
        Assert.DoesNotContain(summary.Checks, c => c.Description?.Contains("secret-host", StringComparison.Ordinal) == true);
    }

    private static HealthCheckService HealthChecks(params (string Name, HealthCheckResult Result)[] checks)
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddHealthChecks();
        foreach (var (name, result) in checks)
        {
            builder.AddCheck(name, () => result);
        }

        return services.BuildServiceProvider().GetRequiredService<HealthCheckService>();
    }
}
