using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Mapping;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Local.Tests;

/// <summary>A device maker brings a mapping for its model; the model's devices then send their own JSON through the gateway.</summary>
public sealed class MappingApiTests : IDisposable
{
    private readonly GatewayFixture _gateway = new();

    private static JsonNode OximeterMapping => JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("docs", "examples", "mappings", "oximeter-iothub.mapping.json")))!;

    [Fact]
    public async Task UploadActivate_DeviceSendsItsOwnFormat_ReadingsReachTheTimeline()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        using var uploaded = await _gateway.SendAsync(HttpMethod.Post, "/api/mappings", _gateway.MakerToken,
            new { manufacturer = "Acme Medical", model = "PulseOx 2", description = "PulseOx 2 firmware 3.x", mapping = OximeterMapping });
        var version = await uploaded.Content.ReadFromJsonAsync<JsonObject>();
        using var activated = await _gateway.SendAsync(HttpMethod.Post, "/api/mappings/activate", _gateway.MakerToken,
            new { manufacturer = "Acme Medical", model = "PulseOx 2", version = 1 });

        using var sent = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), """{"spo2": 93, "pr": 88}""");

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal(("model:Acme Medical/PulseOx 2", 1, false), ((string?)version!["scope"], (int?)version["version"], (bool?)version["active"]));
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var readings = await _gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Reading, count: 2);
        Assert.Equal(["heartRate", "spo2"], readings.Select(r => r.Code).Order());
    }

    [Fact]
    public async Task Upload_InvalidMapping_400WithThePointerAndNothingStored()
    {
        var broken = OximeterMapping;
        broken["template"]![0]!["template"]!["typeName"] = "pulse-ox-thing";

        using var response = await _gateway.SendAsync(HttpMethod.Post, "/api/mappings", _gateway.MakerToken,
            new { manufacturer = "Acme Medical", model = "PulseOx 2", mapping = broken });
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        using var list = await _gateway.SendAsync(HttpMethod.Get, "/api/mappings", _gateway.MakerToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((MappingService.MappingInvalid, "/mapping/template/0/template/typeName"), ((string?)problem!["code"], (string?)problem["field"]));
        Assert.Empty((await list.Content.ReadFromJsonAsync<JsonArray>())!);
    }

    [Fact]
    public async Task Nurse_CannotManageMappings()
    {
        using var response = await _gateway.SendAsync(HttpMethod.Post, "/api/mappings", _gateway.NurseToken, new { mapping = OximeterMapping });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public void Dispose() => _gateway.Dispose();
}
