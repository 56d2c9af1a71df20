using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IoMT.Local.Tests;

public sealed class ConsoleEndpointsTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Theory]
    [InlineData("/console/", "text/html", "care console")]
    [InlineData("/console/console.js", "text/javascript", "api(\"me\")")]
    [InlineData("/console/console.css", "text/css", ".badge")]
    public async Task ConsoleFiles_ServedFromTheAssembly_UnderAStrictContentSecurityPolicy(string path, string type, string content)
    {
        using var response = await _api.SendAsync(HttpMethod.Get, path, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Root_LeadsToTheConsole()
    {
        using var client = _api.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task UnknownConsoleFile_NotFound()
    {
        using var response = await _api.SendAsync(HttpMethod.Get, "/console/..%2Fappsettings.json", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Me_TheCallerAsTheApiSeesThem()
    {
        using var me = await _api.SendAsync(HttpMethod.Get, "/api/me", _api.NurseToken);
        using var anonymous = await _api.SendAsync(HttpMethod.Get, "/api/me", null);

        var body = (await me.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(("nurse-7", "nurse", "ward-7"), ((string)body["id"]!, (string)body["roles"]![0]!, (string)body["careTeams"]![0]!));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    public void Dispose() => _api.Dispose();
}
