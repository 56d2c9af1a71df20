using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;

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

    [Fact]
    public async Task Import_RowsWithReportingInterval_TheirTwinsDesireTheMeasurementInterval()
    {
        using var imported = await _gateway.SendAsync(HttpMethod.Post, "/api/devices/import", _gateway.MakerToken, new object[]
        {
            new { id = "cuff-2", model = "BP 5", kinds = new[] { "bloodPressure" }, reportingIntervalSeconds = 600 },
            new { id = "scale-2", model = "Scale 2", kinds = new[] { "weight" } },
        });

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(600, (int?)(await DesiredAsync("cuff-2"))["measurementIntervalSeconds"]);
        Assert.Null((await DesiredAsync("scale-2"))["measurementIntervalSeconds"]);
    }

    [Fact]
    public async Task DpsRegistration_GroupWithReportingInterval_TheDevicesTwinDesiresIt()
    {
        using var group = await _gateway.SendAsync(HttpMethod.Post, "/api/enrollment-groups", _gateway.MakerToken,
            new { id = "acme-cuffs", model = "BP Cuff 7", kinds = new[] { "bloodPressure" }, reportingIntervalSeconds = 1800 });
        using var credentials = await _gateway.SendAsync(HttpMethod.Get, "/api/enrollment-groups/acme-cuffs/credentials", _gateway.MakerToken);
        var groupCredentials = JsonNode.Parse(await credentials.Content.ReadAsStringAsync())!;
        var idScope = (string)groupCredentials["idScope"]!;
        var derived = DpsKeys.DeriveDeviceKey((string)groupCredentials["primaryKey"]!, "bp-cuff-000001");
        using var register = new HttpRequestMessage(HttpMethod.Put, new Uri($"/{idScope}/registrations/bp-cuff-000001/register?api-version=2021-10-01", UriKind.Relative))
        {
            Content = JsonContent.Create(new { registrationId = "bp-cuff-000001" }),
        };
        register.Headers.TryAddWithoutValidation("Authorization",
            SasToken.Create($"{idScope}/registrations/bp-cuff-000001", derived, DateTimeOffset.UtcNow.AddHours(1), DeviceGateway.DpsKeyName));

        using var accepted = await _gateway.Client.SendAsync(register);

        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        Assert.Equal(1800, (int?)JsonNode.Parse(await group.Content.ReadAsStringAsync())!["reportingIntervalSeconds"]);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(1800, (int?)(await DesiredAsync("bp-cuff-000001"))["measurementIntervalSeconds"]);
    }

    private async Task<JsonNode> DesiredAsync(string deviceId)
    {
        using var twin = await _gateway.SendAsync(HttpMethod.Get, $"/api/devices/{deviceId}/twin", _gateway.MakerToken);
        Assert.Equal(HttpStatusCode.OK, twin.StatusCode);
        return (await twin.Content.ReadFromJsonAsync<JsonObject>())!["properties"]!["desired"]!;
    }

    public void Dispose() => _gateway.Dispose();
}
