using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
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

        await AssertIoTHubErrorAsync(response, HttpStatusCode.Unauthorized, "IotHubUnauthorizedAccess");
        Assert.Equal(0, _gateway.Factory.Services.GetRequiredService<SqliteIngestionLog>().Backlog()
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
    public async Task SendEvent_ExpiredForgedOrMissingToken_401IotHubUnauthorizedAccessAndAudited(string kind)
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        var token = kind switch
        {
            "expired" => GatewayFixture.SasFor("oximeter-1", key, DateTimeOffset.UtcNow.AddMinutes(-10)),
            "forged" => GatewayFixture.SasFor("oximeter-1", DpsKeys.NewKey()),
            _ => null,
        };

        using var response = await _gateway.SendEventAsync("oximeter-1", token, Message("oximeter-1", "m-1", 93));

        await AssertIoTHubErrorAsync(response, HttpStatusCode.Unauthorized, "IotHubUnauthorizedAccess");
        Assert.Equal(SecurityEventCodes.DeviceUnauthenticated, (await AuditedAsync("device:oximeter-1")).Code);
    }

    [Fact]
    public async Task SendEvent_DisabledDevice_404DeviceNotFoundAsIoTHubAnswers_AuditedAsDisabled()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        using var disabled = await _gateway.SendAsync(HttpMethod.Post, "/api/devices/oximeter-1/disable", _gateway.MakerToken);

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "m-1", 93));

        await AssertIoTHubErrorAsync(response, HttpStatusCode.NotFound, "DeviceNotFound");
        var audited = await AuditedAsync("device:oximeter-1");
        Assert.Equal((SecurityEventCodes.DeviceDisabled, "Device 'oximeter-1' is disabled."), (audited.Code, audited.Detail));
    }

    [Fact]
    public async Task SendEvent_UnregisteredDevice_401AsABadToken_AuditedAsUnknown()
    {
        using var response = await _gateway.SendEventAsync("ghost-1", GatewayFixture.SasFor("ghost-1", DpsKeys.NewKey()), Message("ghost-1", "m-1", 93));

        await AssertIoTHubErrorAsync(response, HttpStatusCode.Unauthorized, "IotHubUnauthorizedAccess");
        Assert.Equal(SecurityEventCodes.DeviceUnknown, (await AuditedAsync("device:ghost-1")).Code);
    }

    [Fact]
    public async Task SendEvent_OverItsRate_429ThrottlingExceptionWithRetryAfter_Audited()
    {
        using var gateway = new GatewayFixture(new LocalHostFactory
        {
            Settings = new Dictionary<string, string> { ["IoMT:DeviceMessagesPerSecond"] = "0.1", ["IoMT:DeviceMessageBurst"] = "1" },
        });
        var key = await gateway.RegisterAsync("oximeter-1");

        using var first = await gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "m-1", 93));
        using var second = await gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "m-2", 93));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        await AssertIoTHubErrorAsync(second, HttpStatusCode.TooManyRequests, "ThrottlingException");
        Assert.InRange(second.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(SecurityEventCodes.DeviceRateLimited, (await AuditedAsync("device:oximeter-1", gateway)).Code);
    }

    [Fact]
    public async Task SendEvent_Above256KB_413MessageTooLarge()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), new string(' ', (256 * 1024) + 1));

        await AssertIoTHubErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "MessageTooLarge");
    }

    [Fact]
    public async Task SendEvent_StoredWithDeviceReceiveTimeAndMessageIdFromTheHeader()
    {
        var key = await _gateway.RegisterAsync("oximeter-1", bindTo: null);
        var log = _gateway.Factory.Services.GetRequiredService<SqliteIngestionLog>();
        var before = DateTimeOffset.UtcNow;

        using var response = await _gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", key), Message("oximeter-1", "body-id", 93), messageId: "header-id");

        var partition = SqliteIngestionLog.PartitionOf("oximeter-1");
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

    [Fact]
    public async Task SendEventBatch_AsTheNodeSdkSendsIt_EachMessageIngestedOnItsOwn()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        var batch = NodeSdkBatch(Message("oximeter-1", "b-1", 93), Message("oximeter-1", "b-2", 95));

        using var response = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events?api-version=2021-04-12", GatewayFixture.SasFor("oximeter-1", key),
            new StringContent(batch, Encoding.UTF8, "application/vnd.microsoft.iothub.json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var readings = await _gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Reading, 2);
        Assert.Equal([93.0, 95.0], readings.Select(r => r.Value!.Value).Order());
        Assert.DoesNotContain((await _gateway.Timeline.QueryAsync(new TimelineQuery("patient-1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue))).Items,
            r => r.Type == TimelineEntryType.Quarantine);
    }

    [Fact]
    public async Task SendEvent_PropertiesAsTheNodeSdkSendsThem_StoredWithTheMessage()
    {
        var key = await _gateway.RegisterAsync("oximeter-1", bindTo: null);
        var log = _gateway.Factory.Services.GetRequiredService<SqliteIngestionLog>();

        using var response = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events?api-version=2021-04-12", GatewayFixture.SasFor("oximeter-1", key),
            new ByteArrayContent(Encoding.UTF8.GetBytes(Message("oximeter-1", "body-id", 93))), new Dictionary<string, string>
            {
                ["IoTHub-MessageId"] = "m-7",
                ["IoTHub-CorrelationId"] = "c-7",
                ["iothub-contenttype"] = "application/json",
                ["iothub-contentencoding"] = "utf-8",
                ["iothub-app-ward"] = "7",
                ["iothub-app-Firmware"] = "2.4.1",
            });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = Assert.Single(await log.ReadAsync(SqliteIngestionLog.PartitionOf("oximeter-1"), 10, after: 0));
        Assert.Equal(("m-7", "c-7", "application/json", "utf-8"), (stored.MessageId, stored.Properties.CorrelationId, stored.Properties.ContentType, stored.Properties.ContentEncoding));
        Assert.Equal(new Dictionary<string, string> { ["ward"] = "7", ["Firmware"] = "2.4.1" }, stored.Properties.Application);
    }

    [Fact]
    public async Task SendEvent_MappedDevice_MappingReadsTheCreationTimeProperty_AndTheTransportMessageIdDeduplicates()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        await ActivateOximeterMappingAsync();
        var created = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        var token = GatewayFixture.SasFor("oximeter-1", key);

        using var first = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events", token, new StringContent("""{"spo2": 93}"""),
            new Dictionary<string, string> { ["iothub-messageid"] = "own-1", ["iothub-creation-time-utc"] = Rfc3339.Format(created) });
        using var again = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events", token, new StringContent("""{"spo2": 94}"""),
            new Dictionary<string, string> { ["iothub-messageid"] = "own-1" });
        using var other = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events", token, new StringContent("""{"spo2": 95}"""),
            new Dictionary<string, string> { ["iothub-messageid"] = "own-2" });

        var readings = await _gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Reading, 2);
        Assert.Equal([(93.0, created)], readings.Where(r => r.Value == 93).Select(r => (r.Value!.Value, r.At)));
        Assert.Equal([93.0, 95.0], readings.Select(r => r.Value!.Value).Order());
        Assert.Equal("device:oximeter-1", (await AuditedAsync("device:oximeter-1", code: SecurityEventCodes.DeviceMessageReplayed)).Actor);
    }

    [Fact]
    public async Task SendEventBatch_CSharpSdkShape_EachMessageStoredWithItsOwnIdAndProperties()
    {
        var key = await _gateway.RegisterAsync("oximeter-1", bindTo: null);
        var log = _gateway.Factory.Services.GetRequiredService<SqliteIngestionLog>();
        var batch = $$$"""
            [{"body":"{{{Base64(Message("oximeter-1", "b-1", 93))}}}","properties":{"iothub-messageid":"b-1","iothub-app-n":"1"}},
             {"body":"{{{Base64(Message("oximeter-1", "b-2", 94))}}}","properties":{"iothub-messageid":"b-2","iothub-correlationid":"c-2"}},
             {"body":"{\"not\":\"base64\"}","base64Encoded":false}]
            """;

        using var response = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events", GatewayFixture.SasFor("oximeter-1", key),
            new StringContent(batch, Encoding.UTF8, "application/vnd.microsoft.iothub.json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = await log.ReadAsync(SqliteIngestionLog.PartitionOf("oximeter-1"), 10, after: 0);
        Assert.Equal(["b-1", "b-2", null], stored.Select(m => m.MessageId));
        Assert.Equal(("1", "c-2", """{"not":"base64"}"""), (stored[0].Properties.Application["n"], stored[1].Properties.CorrelationId, Encoding.UTF8.GetString(stored[2].Body)));
    }

    [Fact]
    public async Task SendEventBatch_AMessageSentBefore_TheRepeatStoredOnceTheOthersIngested()
    {
        var key = await _gateway.RegisterAsync("oximeter-1");
        var token = GatewayFixture.SasFor("oximeter-1", key);
        var earlier = Message("oximeter-1", "b-1", 93);
        using var single = await _gateway.SendEventAsync("oximeter-1", token, earlier);

        using var response = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events", token,
            new StringContent(NodeSdkBatch(earlier, Message("oximeter-1", "b-2", 95)), Encoding.UTF8, "application/vnd.microsoft.iothub.json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await AuditedAsync("device:oximeter-1", code: SecurityEventCodes.DeviceMessageReplayed);
        var readings = await _gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Reading, 2);
        Assert.Equal([93.0, 95.0], readings.Select(r => r.Value!.Value).Order());
    }

    [Theory]
    [InlineData("""{"body":"eyJhIjoxfQ=="}""")]
    [InlineData("""[{"body":"eyJhIjoxfQ=="},{"body":"not base64!"}]""")]
    [InlineData("""[{"body":"eyJhIjoxfQ=="}""")]
    public async Task SendEventBatch_Unreadable_400ArgumentInvalidAndNothingAppended(string batch)
    {
        var key = await _gateway.RegisterAsync("oximeter-1");

        using var response = await SendDeviceAsync(HttpMethod.Post, "/devices/oximeter-1/messages/events", GatewayFixture.SasFor("oximeter-1", key),
            new StringContent(batch, Encoding.UTF8, "application/vnd.microsoft.iothub.json"));

        var message = await AssertIoTHubErrorAsync(response, HttpStatusCode.BadRequest, "ArgumentInvalid");
        Assert.Contains("batch", message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, _gateway.Factory.Services.GetRequiredService<SqliteIngestionLog>().Backlog());
    }

    public void Dispose() => _gateway.Dispose();

    /// <summary>
    /// Checks a refusal is IoT Hub's: the status, the <c>iothub-errorcode</c> header, and the JSON body
    /// <c>{"Message":"ErrorCode:{code};…","ExceptionMessage":"Tracking ID:…"}</c>; returns the text after the code.
    /// </summary>
    internal static async Task<string> AssertIoTHubErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, Assert.Single(response.Headers.GetValues("iothub-errorcode")));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var message = (string)body["Message"]!;
        Assert.StartsWith($"ErrorCode:{code};", message, StringComparison.Ordinal);
        Assert.StartsWith("Tracking ID:", (string?)body["ExceptionMessage"], StringComparison.Ordinal);
        return message[(message.IndexOf(';', StringComparison.Ordinal) + 1)..];
    }

    private async Task<SecurityEvent> AuditedAsync(string actor, GatewayFixture? gateway = null, string? code = null)
    {
        var store = (gateway ?? _gateway).Factory.Services.GetRequiredService<ISecurityEventStore>();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var events = await store.ListAsync(DateTimeOffset.MinValue, 1000);
            if (events.FirstOrDefault(e => e.Actor == actor && (code is null || e.Code == code)) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No security event of '{actor}' within 30 s.");
    }

    private async Task ActivateOximeterMappingAsync()
    {
        var mapping = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("docs", "examples", "mappings", "oximeter-iothub.mapping.json")));
        using var uploaded = await _gateway.SendAsync(HttpMethod.Post, "/api/mappings", _gateway.MakerToken, new { manufacturer = "Acme Medical", model = "PulseOx 2", mapping });
        using var activated = await _gateway.SendAsync(HttpMethod.Post, "/api/mappings/activate", _gateway.MakerToken, new { manufacturer = "Acme Medical", model = "PulseOx 2", version = 1 });
        activated.EnsureSuccessStatusCode();
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>A batch exactly as azure-iot-device-http 1.14.4's sendEventBatch writes it (body base64, application properties only).</summary>
    private static string NodeSdkBatch(params string[] bodies) =>
        "[" + string.Join(",", bodies.Select((b, i) => $$$"""{"body": "{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(b))}}}", "properties":{"iothub-app-n":"{{{i}}}"}}""")) + "]";

    private async Task<HttpResponseMessage> SendDeviceAsync(
        HttpMethod method, string path, string? sasToken, HttpContent? content = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (sasToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", sasToken);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _gateway.Client.SendAsync(request);
    }

    private static string Message(string deviceId, string messageId, double spo2) =>
        $$"""{"schema":"iomt.telemetry/1","messageId":"{{messageId}}","deviceId":"{{deviceId}}","sentAt":"{{Now()}}","readings":[{"kind":"spo2","value":{{spo2}},"unit":"%","at":"{{Now()}}"}]}""";

    private static string Now() => Rfc3339.Format(DateTimeOffset.UtcNow.AddSeconds(-1));
}
