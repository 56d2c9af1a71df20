using System.Net;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

public sealed class DeviceGatewayTests : IDisposable
{
    private readonly GatewayFixture _gateway = new();

    [Fact]
    public async Task SendEvent_OwnToken_204AndTheReadingReachesThePatientsTimeline()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "m-1", 93));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var reading = Assert.Single(await _gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Reading));
        Assert.Equal(("spo2", 93.0, "oximeter-1"), (reading.Code, reading.Value, reading.DeviceId));
    }

    [Fact]
    public async Task SendEvent_DeviceAsTokenOnDeviceBsPath_401AndNothingStored()
    {
        var keyA = await _gateway.RegisterAsync("device-a");
        await _gateway.RegisterAsync("device-b");

        using var response = await _gateway.SendEventAsync("device-b", GatewayFixture.SasFor("device-a", keyA), Message("device-b", "m-1", 93));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.unauthenticated", (string?)problem["code"]);
        Assert.Equal(0, _gateway.Factory.Services.GetRequiredService<Storage.Sqlite.SqliteIngestionLog>().Backlog()
            + (await _gateway.Timeline.QueryAsync(new TimelineQuery("patient-1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue))).Items.Count(r => r.Type == TimelineEntryType.Reading));
    }

    [Fact]
    public async Task SendEvent_BodyClaimsAnotherDevice_QuarantinedAsMismatchUnderTheSender()
    {
        var keyA = await _gateway.RegisterAsync("device-a");
        await _gateway.RegisterAsync("device-b", bindTo: null);

        using var response = await _gateway.SendEventAsync("device-a", GatewayFixture.SasFor("device-a", keyA), Message("device-b", "m-1", 93));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var quarantined = Assert.Single(await _gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Quarantine));
        Assert.Equal((ErrorCodes.DeviceMismatch, "device-a"), (quarantined.Code, quarantined.DeviceId));
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("forged")]
    [InlineData("missing")]
    public async Task SendEvent_ExpiredForgedOrMissingToken_401(string kind)
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        var token = kind switch
        {
            "expired" => GatewayFixture.SasFor("oximeter-1", key, DateTimeOffset.UtcNow.AddMinutes(-10)),
            "forged" => GatewayFixture.SasFor("oximeter-1", DpsKeys.NewKey()),
            _ => null,
        };

        using var response = await _gateway.SendEventAsync("oximeter-1", token, Message("oximeter-1", "m-1", 93));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SendEvent_DisabledDevice_403()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        using var disabled = await _gateway.SendAsync(HttpMethod.Post, "/api/devices/oximeter-1/disable", _gateway.MakerToken);

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "m-1", 93));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("device.disabled", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]);
    }

    [Fact]
    public async Task SendEvent_Above256KB_413()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), new string(' ', (256 * 1024) + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task SendEvent_StoredWithDeviceReceiveTimeAndMessageIdFromTheHeader()
    {
        var key = await _gateway.RegisterAsync("oximeter-1", bindTo: null);
        var log = _gateway.Factory.Services.GetRequiredService<Storage.Sqlite.SqliteIngestionLog>();
        var before = DateTimeOffset.UtcNow;

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "body-id", 93), messageId: "header-id");

        var partition = Storage.Sqlite.SqliteIngestionLog.PartitionOf("oximeter-1");
        var stored = Assert.Single(await log.ReadAsync(partition, 10, after: 0));
        Assert.Equal(("oximeter-1", "header-id"), (stored.DeviceId, stored.MessageId));
        Assert.InRange(stored.ReceivedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task DpsRegistration_DerivedKey_AssignedThenSendsTelemetry()
    {
        using var group = await _gateway.SendAsync(HttpMethod.Post, "/api/enrollment-groups", _gateway.MakerToken,
            new { id = "acme-cuffs", model = "BP Cuff 7", kinds = new[] { "bloodPressure", "heartRate" } });
        using var credentials = await _gateway.SendAsync(HttpMethod.Get, "/api/enrollment-groups/acme-cuffs/credentials", _gateway.MakerToken);
        var groupCredentials = JsonNode.Parse(await credentials.Content.ReadAsStringAsync())!;
        var idScope = (string)groupCredentials["idScope"]!;
        var derived = DpsKeys.DeriveDeviceKey((string)groupCredentials["primaryKey"]!, "bp-cuff-000001");
        var token = SasToken.Create($"{idScope}/registrations/bp-cuff-000001", derived, DateTimeOffset.UtcNow.AddHours(1), "registration");

        using var register = new HttpRequestMessage(HttpMethod.Put, new Uri($"/{idScope}/registrations/bp-cuff-000001/register?api-version=2021-10-01", UriKind.Relative))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { registrationId = "bp-cuff-000001" }),
        };
        register.Headers.TryAddWithoutValidation("Authorization", token);
        using var accepted = await _gateway.Client.SendAsync(register);
        var operationId = (string)JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["operationId"]!;
        using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri($"/{idScope}/registrations/bp-cuff-000001/operations/{operationId}?api-version=2021-10-01", UriKind.Relative));
        poll.Headers.TryAddWithoutValidation("Authorization", token);
        using var assigned = await _gateway.Client.SendAsync(poll);
        var state = JsonNode.Parse(await assigned.Content.ReadAsStringAsync())!;
        using var telemetry = await _gateway.SendEventAsync("bp-cuff-000001", GatewayFixture.SasFor("bp-cuff-000001", derived), Message("bp-cuff-000001", "m-1", 95));

        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(("assigned", "bp-cuff-000001", GatewayFixture.Host), ((string?)state["status"], (string?)state["registrationState"]!["deviceId"], (string?)state["registrationState"]!["assignedHub"]));
        Assert.Equal(HttpStatusCode.NoContent, telemetry.StatusCode);
    }

    public void Dispose() => _gateway.Dispose();

    private static string Message(string deviceId, string messageId, double spo2) =>
        $$"""{"schema":"iomt.telemetry/1","messageId":"{{messageId}}","deviceId":"{{deviceId}}","sentAt":"{{Now()}}","readings":[{"kind":"spo2","value":{{spo2}},"unit":"%","at":"{{Now()}}"}]}""";

    private static string Now() => Rfc3339.Format(DateTimeOffset.UtcNow.AddSeconds(-1));
}
