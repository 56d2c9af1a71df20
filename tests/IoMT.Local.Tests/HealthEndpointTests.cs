using System.Net;
using System.Net.Http.Json;
using IoMT.Core;
using IoMT.Core.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IoMT.Local.Tests;

public class HealthEndpointTests
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/api/health")]
    [InlineData("/readyz")]
    public async Task Get_FreshHost_200WithVersionAndDataDirectoryCheck(string path)
    {
        using var factory = new LocalHostFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var summary = await response.Content.ReadFromJsonAsync<HealthSummary>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(summary);
        Assert.Equal("Healthy", summary.Status);
        Assert.Equal(ProductInfo.Version, summary.Version);
        Assert.Equal("data-directory", Assert.Single(summary.Checks).Name);
        Assert.True(Directory.Exists(factory.DataDirectory));
    }

    [Fact]
    public async Task Get_DataDirectoryRemoved_503()
    {
        using var factory = new LocalHostFactory();
        using var client = factory.CreateClient();
        Directory.Delete(factory.DataDirectory, recursive: true);

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_HostStopping_503SoTrafficDrains()
    {
        // Started without waiting for shutdown, so stopping only signals it: the moment load balancers must see.
        await using var host = await RunningHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Address };
        using var before = await client.GetAsync(new Uri("readyz", UriKind.Relative));

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        using var stopping = await client.GetAsync(new Uri("readyz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopping.StatusCode);
    }
}
