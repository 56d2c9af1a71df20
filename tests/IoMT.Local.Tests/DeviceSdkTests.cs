using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Local.Tests;

/// <summary>
/// Microsoft's official Node.js device and provisioning SDKs, unmodified, against a running local hub (issue 23, item 6):
/// the only change to their environment is trusting the hub's CA.
/// </summary>
public sealed class DeviceSdkTests(DeviceSdkHost host) : IClassFixture<DeviceSdkHost>
{
    public static TheoryData<string> Transports => ["http", "mqtt"];

    [SkippableTheory]
    [MemberData(nameof(Transports))]
    public async Task Send_OfficialSdk_AcceptedAndTheReadingInThePatientsTimeline(string transport)
    {
        RequireSdks();
        var device = $"sdk-send-{transport}";
        var connection = await host.RegisterAsync(device);

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "send",
            transport,
            connectionString = connection,
            messages = new[] { new { body = Message(device, 91), messageId = $"{device}-1", properties = new { probe = "finger" } } },
        }));

        Assert.True((bool)outcome["ok"]!, outcome.ToJsonString());
        await host.WaitForAsync(r => r.Type == TimelineEntryType.Reading && r.DeviceId == device, 1);
    }

    [SkippableTheory]
    [InlineData("http")]
    public async Task SendBatch_OfficialSdk_EveryMessageOfTheBatchInTheTimeline(string transport)
    {
        RequireSdks();
        var device = $"sdk-batch-{transport}";
        var connection = await host.RegisterAsync(device);

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "sendBatch",
            transport,
            connectionString = connection,
            messages = Enumerable.Range(1, 3).Select(i => new { body = Message(device, 90 + i), messageId = $"{device}-{i}" }).ToArray(),
        }));

        Assert.True((bool)outcome["ok"]!, outcome.ToJsonString());
        var readings = await host.WaitForAsync(r => r.Type == TimelineEntryType.Reading && r.DeviceId == device, 3);
        Assert.Equal(3, readings.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(Transports))]
    public async Task Send_WrongKey_UnauthorizedError(string transport)
    {
        RequireSdks();
        var connection = await host.RegisterAsync($"sdk-wrong-key-{transport}");
        var forged = connection[..(connection.IndexOf("SharedAccessKey=", StringComparison.Ordinal) + 16)] + Convert.ToBase64String(new byte[32]);

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "send",
            transport,
            connectionString = forged,
            messages = new[] { new { body = Message("sdk-wrong-key", 95) } },
            timeoutMs = 15_000,
        }));

        Assert.False((bool)outcome["ok"]!);
        Assert.Equal("UnauthorizedError", (string?)outcome["error"]?["name"]);
        Assert.DoesNotContain("ECONNREFUSED", (string)outcome["error"]!["message"]!, StringComparison.Ordinal); // the SDK says "not authorized" for that too
    }

    [SkippableTheory]
    [MemberData(nameof(Transports))]
    public async Task Register_DpsWithDerivedKey_AssignedToTheLocalHubThenSendsAsTheNewDevice(string transport)
    {
        RequireSdks();
        var group = $"sdk-group-{transport}";
        (await host.SendAsync(HttpMethod.Post, "api/enrollment-groups", host.MakerToken, new { id = group, model = "PulseOx 2", kinds = new[] { "spo2", "heartRate" } }))
            .EnsureSuccessStatusCode();
        var credentials = (await (await host.SendAsync(HttpMethod.Get, $"api/enrollment-groups/{group}/credentials", host.MakerToken)).Content.ReadFromJsonAsync<JsonObject>())!;
        var registrationId = $"sdk-dps-{transport}-0001";

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "register",
            transport,
            registrationId,
            idScope = (string)credentials["idScope"]!,
            provisioningHost = (string)credentials["provisioningHostName"]!,
            key = DpsKeys.DeriveDeviceKey((string)credentials["primaryKey"]!, registrationId),
            thenSend = new[] { new { body = Message(registrationId, 96) } },
        }));

        Assert.True((bool)outcome["ok"]!, outcome.ToJsonString());
        Assert.Equal(("localhost", registrationId), ((string)outcome["result"]!["assignedHub"]!, (string)outcome["result"]!["deviceId"]!));
    }

    [SkippableFact]
    public async Task SendBatch_Mqtt_TheSdkRefusesAsIoTHubHasNoMqttBatch()
    {
        RequireSdks();
        var connection = await host.RegisterAsync("sdk-batch-refused");

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "sendBatch",
            transport = "mqtt",
            connectionString = connection,
            messages = new[] { new { body = Message("sdk-batch-refused", 95) } },
        }));

        Assert.Equal("NotImplementedError", (string?)outcome["error"]?["name"]);
    }

    [SkippableTheory]
    [MemberData(nameof(Transports))]
    public async Task Send_DisabledDevice_RefusedAsIoTHubRefusesIt(string transport)
    {
        RequireSdks();
        var device = $"sdk-disabled-{transport}";
        var connection = await host.RegisterAsync(device);
        (await host.SendAsync(HttpMethod.Post, $"api/devices/{device}/disable", host.MakerToken)).EnsureSuccessStatusCode();

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "send",
            transport,
            connectionString = connection,
            messages = new[] { new { body = Message(device, 95) } },
            timeoutMs = 15_000,
        }));

        Assert.False((bool)outcome["ok"]!);
        Assert.Equal(transport == "http" ? "DeviceNotFoundError" : "UnauthorizedError", (string?)outcome["error"]?["name"]);
    }

    [SkippableTheory]
    [MemberData(nameof(Transports))]
    public async Task Send_PayloadNamingAnotherDevice_AcceptedAsIoTHubWouldAndQuarantinedUnderTheSender(string transport)
    {
        RequireSdks();
        var device = $"sdk-mismatch-{transport}";
        var connection = await host.RegisterAsync(device);

        var outcome = Assert.Single(await host.DriveAsync(new
        {
            step = "send",
            transport,
            connectionString = connection,
            messages = new[] { new { body = Message("someone-else", 95) } },
        }));

        Assert.True((bool)outcome["ok"]!, outcome.ToJsonString());
        var quarantined = await host.WaitForAsync(r => r.Type == TimelineEntryType.Quarantine && r.DeviceId == device, 1);
        Assert.Contains("device.mismatch", quarantined[0].Code, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Transports))]
    public async Task Receive_CloudToDeviceMessage_DeliveredAndCompleted(string transport)
    {
        RequireSdks();
        var device = $"sdk-c2d-{transport}";
        var connection = await host.RegisterAsync(device);
        var sent = await (await host.SendAsync(HttpMethod.Post, $"api/devices/{device}/messages", host.MakerToken,
            new { payload = new { type = "medication-reminder", medicationId = "metformin" }, properties = new Dictionary<string, string> { ["kind"] = "reminder" } }))
            .Content.ReadFromJsonAsync<JsonObject>();

        var outcome = Assert.Single(await host.DriveAsync(new { step = "receive", transport, connectionString = connection }));

        Assert.True((bool)outcome["ok"]!, outcome.ToJsonString());
        Assert.Equal((string)sent!["messageId"]!, (string)outcome["result"]!["messageId"]!);
        // The SDK's HTTPS transport keeps the header's name (iothub-app-kind) as the property's; its MQTT transport the bare name.
        Assert.Equal("reminder", (string?)outcome["result"]!["properties"]![transport == "http" ? "iothub-app-kind" : "kind"]);
        Assert.Equal("metformin", (string)JsonNode.Parse((string)outcome["result"]!["body"]!)!["medicationId"]!);
        var record = (await (await host.SendAsync(HttpMethod.Get, $"api/devices/{device}/messages", host.MakerToken)).Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal("completed", (string)Assert.Single(record)!["status"]!);
    }

    [SkippableFact]
    public async Task Twin_Mqtt_GetReportedPatchAndDesiredUpdate()
    {
        RequireSdks();
        var device = "sdk-twin";
        var connection = await host.RegisterAsync(device);

        var driving = host.DriveAsync(new
        {
            step = "twin",
            transport = "mqtt",
            connectionString = connection,
            twinPatch = new { firmware = "2.1.0", battery = 87 },
            waitForDesired = "measurementIntervalSeconds",
        });
        JsonNode? reported = null;
        for (var attempt = 0; attempt < 300 && reported?["firmware"] is null; attempt++)
        {
            await Task.Delay(100);
            var twin = await (await host.SendAsync(HttpMethod.Get, $"api/devices/{device}/twin", host.MakerToken)).Content.ReadFromJsonAsync<JsonObject>();
            reported = twin!["properties"]!["reported"];
        }

        (await host.SendAsync(HttpMethod.Patch, $"api/devices/{device}/twin", host.MakerToken, new { properties = new { desired = new { measurementIntervalSeconds = 60 } } }))
            .EnsureSuccessStatusCode();
        var outcome = Assert.Single(await driving);

        Assert.True((bool)outcome["ok"]!, outcome.ToJsonString());
        Assert.Equal("2.1.0", (string?)reported?["firmware"]);
        Assert.Equal(60, (int)outcome["result"]!["desired"]!["measurementIntervalSeconds"]!);
    }

    private void RequireSdks()
    {
        if (host.Unavailable is { } reason)
        {
            Assert.False(RequiresToolFactAttribute.IsCi, reason);
            Skip.If(true, reason);
        }
    }

    private static JsonNode Message(string deviceId, double spo2) =>
        JsonNode.Parse(new TelemetryMessage(deviceId, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow).Spo2(spo2, DateTimeOffset.UtcNow).ToString())!;
}
