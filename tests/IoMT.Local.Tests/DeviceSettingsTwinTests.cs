using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IoMT.Local.Tests;

/// <summary>Device settings the product owns, written to the twin's desired properties.</summary>
public sealed class DeviceSettingsTwinTests : IDisposable
{
    private readonly GatewayFixture _gateway = new();

    [Fact]
    public async Task Register_WithReportingInterval_TwinDesiresMeasurementIntervalSetBySystem()
    {
        using var registered = await _gateway.SendAsync(HttpMethod.Post, "/api/devices", _gateway.MakerToken,
            new { id = "cuff-1", model = "BP 5", kinds = new[] { "bloodPressure" }, reportingIntervalSeconds = 900 });
        using var twin = await _gateway.SendAsync(HttpMethod.Get, "/api/devices/cuff-1/twin", _gateway.MakerToken);
        using var history = await _gateway.SendAsync(HttpMethod.Get, "/api/devices/cuff-1/history", _gateway.MakerToken);
        using var ownPatch = await _gateway.SendAsync(HttpMethod.Patch, "/api/devices/cuff-1/twin", _gateway.MakerToken,
            new { properties = new { desired = new { displayBrightness = 3 } } });
        using var after = await _gateway.SendAsync(HttpMethod.Get, "/api/devices/cuff-1/twin", _gateway.MakerToken);

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var desired = (await twin.Content.ReadFromJsonAsync<JsonObject>())!["properties"]!["desired"]!;
        Assert.Equal(900, (int)desired["measurementIntervalSeconds"]!);
        Assert.Contains((await history.Content.ReadFromJsonAsync<JsonArray>())!, c => (string?)c!["actor"] == "system" && (string?)c["action"] == "twin-desired-updated");
        Assert.Equal(HttpStatusCode.OK, ownPatch.StatusCode);
        var final = (await after.Content.ReadFromJsonAsync<JsonObject>())!["properties"]!["desired"]!;
        Assert.Equal((900, 3), ((int)final["measurementIntervalSeconds"]!, (int)final["displayBrightness"]!));
    }

    [Fact]
    public async Task Register_WithoutReportingInterval_NoProductSettingInTheTwin()
    {
        using var registered = await _gateway.SendAsync(HttpMethod.Post, "/api/devices", _gateway.MakerToken,
            new { id = "scale-1", model = "Scale 2", kinds = new[] { "weight" } });
        using var twin = await _gateway.SendAsync(HttpMethod.Get, "/api/devices/scale-1/twin", _gateway.MakerToken);

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Null((await twin.Content.ReadFromJsonAsync<JsonObject>())!["properties"]!["desired"]!["measurementIntervalSeconds"]);
    }

    public void Dispose() => _gateway.Dispose();
}
