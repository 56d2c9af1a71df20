using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Timeline;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace IoMT.Local.Tests;

/// <summary>The local hub's MQTT endpoint: CONNECT and device-to-cloud messages in IoT Hub's dialect (issue 23).</summary>
public sealed class MqttGatewayTests : IDisposable
{
    private readonly MqttFixture _mqtt = new();

    private GatewayFixture Api => _mqtt.Gateway;

    [Fact]
    public async Task Connect_OwnSasToken_Accepted()
    {
        var key = await Api.RegisterAsync("oximeter-1");

        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);

        Assert.True(client.IsConnected);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("expired")]
    [InlineData("other-devices-token")]
    [InlineData("not-a-token")]
    public async Task Connect_BadToken_NotAuthorizedAndAudited(string kind)
    {
        await Api.RegisterAsync("oximeter-1");
        var otherKey = await Api.RegisterAsync("oximeter-2");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var password = kind switch
        {
            "wrong-key" => GatewayFixture.SasFor("oximeter-1", DpsKeys.NewKey()),
            "expired" => GatewayFixture.SasFor("oximeter-1", await Api.RegisterAsync("oximeter-3"), DateTimeOffset.UtcNow.AddMinutes(-10)),
            "other-devices-token" => GatewayFixture.SasFor("oximeter-2", otherKey),
            _ => "hunter2",
        };

        var result = await _mqtt.TryConnectAsync("oximeter-1", MqttFixture.UserName("oximeter-1"), password);

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result);
        var refusal = Assert.Single(await AuditAsync(before), e => e.Actor == "device:oximeter-1");
        Assert.Equal((SecurityEventCodes.DeviceUnauthenticated, "MQTT CONNECT"), (refusal.Code, refusal.Request));
    }

    [Fact]
    public async Task Connect_DisabledDevice_NotAuthorizedAndAuditedAsDisabled()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        using var disabled = await Api.SendAsync(HttpMethod.Post, "/api/devices/oximeter-1/disable", Api.MakerToken);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var result = await _mqtt.TryConnectAsync("oximeter-1", MqttFixture.UserName("oximeter-1"), GatewayFixture.SasFor("oximeter-1", key));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result);
        Assert.Equal(SecurityEventCodes.DeviceDisabled, Assert.Single(await AuditAsync(before), e => e.Actor == "device:oximeter-1").Code);
    }

    [Theory]
    [InlineData("oximeter-2", "localhost/oximeter-1/?api-version=2021-04-12")]
    [InlineData("oximeter-1", "localhost/oximeter-1/module-a/?api-version=2021-04-12")]
    [InlineData("oximeter-1", "")]
    public async Task Connect_ClientIdOrUserNameNotIoTHubs_NotAuthorized(string clientId, string userName)
    {
        var key = await Api.RegisterAsync("oximeter-1");

        var result = await _mqtt.TryConnectAsync(clientId, userName, GatewayFixture.SasFor("oximeter-1", key));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result);
    }

    [Fact]
    public async Task Connect_RepeatedForgedTokens_OneAuditEventCountingThemAll()
    {
        await Api.RegisterAsync("oximeter-1");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        for (var attempt = 0; attempt < 20; attempt++)
        {
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized,
                await _mqtt.TryConnectAsync("oximeter-1", MqttFixture.UserName("oximeter-1"), GatewayFixture.SasFor("oximeter-1", DpsKeys.NewKey())));
        }

        Assert.Single(await AuditAsync(before), e => e.Actor == "device:oximeter-1");
    }

    [Fact]
    public async Task Connect_SameDeviceAgain_TheEarlierConnectionIsClosed()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (first, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        var closed = new TaskCompletionSource();
        first.DisconnectedAsync += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        var (second, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(second.IsConnected);
        Assert.Equal(MqttClientPublishReasonCode.Success,
            (await MqttFixture.PublishAsync(second, "devices/oximeter-1/messages/events/", MqttFixture.Telemetry("oximeter-1", "m-1", 95))).ReasonCode);
    }

    [Fact]
    public async Task Publish_QoS1_PubAckAfterStoredAndTheReadingReachesThePatientsTimeline()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);

        var result = await MqttFixture.PublishAsync(client, "devices/oximeter-1/messages/events/", MqttFixture.Telemetry("oximeter-1", "m-1", 93));
        var stored = await _mqtt.LoggedAsync();

        Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        Assert.Equal("oximeter-1", Assert.Single(stored).DeviceId);
        var reading = Assert.Single(await Api.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Reading));
        Assert.Equal(("spo2", 93.0, "oximeter-1"), (reading.Code, reading.Value, reading.DeviceId));
    }

    [Fact]
    public async Task Publish_QoS0ThenQoS1_BothStoredInOrderInThePatientsPartition()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);

        await MqttFixture.PublishAsync(client, "devices/oximeter-1/messages/events", MqttFixture.Telemetry("oximeter-1", "m-1", 93), MqttQualityOfServiceLevel.AtMostOnce);
        await MqttFixture.PublishAsync(client, "devices/oximeter-1/messages/events/", MqttFixture.Telemetry("oximeter-1", "m-2", 94));

        var stored = await _mqtt.LoggedAsync();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, m => Assert.Equal(Storage.Sqlite.SqliteIngestionLog.PartitionOf("patient-1"), m.Partition));
        Assert.Equal(["m-1", "m-2"], stored.Select(m => Core.Validation.MessageIds.TryRead(m.Body)));
    }

    [Fact]
    public async Task Publish_PropertyBag_KeptWithTheMessageAndGivenToIngestion()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);

        await MqttFixture.PublishAsync(client,
            "devices/oximeter-1/messages/events/%24.mid=mid-1&%24.cid=corr-1&%24.ct=application%2Fjson&%24.ce=utf-8&ward=7%20A&alert=true",
            MqttFixture.Telemetry("oximeter-1", "m-1", 93));

        var stored = Assert.Single(await _mqtt.LoggedAsync());
        Assert.Equal("mid-1", stored.MessageId);
        Assert.Equal(("corr-1", "application/json", "utf-8"), (stored.Properties.CorrelationId, stored.Properties.ContentType, stored.Properties.ContentEncoding));
        var received = stored.ToReceived();
        Assert.Equal("mid-1", received.TransportMessageId);
        Assert.Equal(new Dictionary<string, string> { ["ward"] = "7 A", ["alert"] = "true" }, received.Properties);
    }

    [Fact]
    public async Task Publish_ToAnotherDevicesTopic_DisconnectedNothingStoredAndAudited()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        await Api.RegisterAsync("oximeter-2");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        var closed = Closed(client);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await Assert.ThrowsAnyAsync<Exception>(() => MqttFixture.PublishAsync(client, "devices/oximeter-2/messages/events/", MqttFixture.Telemetry("oximeter-2", "m-1", 93)));
        await closed.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(await _mqtt.LoggedAsync());
        Assert.Equal(SecurityEventCodes.DeviceUnauthenticated, Assert.Single(await AuditAsync(before), e => e.Actor == "device:oximeter-1").Code);
    }

    [Theory]
    [InlineData("devices/oximeter-1/messages/other/")]
    [InlineData("$iothub/twin/PATCH/properties/desired/?$rid=1")]
    public async Task Publish_TopicIoTHubDoesNotServe_Disconnected(string topic)
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        var closed = Closed(client);

        await Assert.ThrowsAnyAsync<Exception>(() => MqttFixture.PublishAsync(client, topic, "{}"));
        await closed.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(await _mqtt.LoggedAsync());
    }

    [Fact]
    public async Task Publish_Over256KB_DisconnectedNothingStored()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);
        var closed = Closed(client);

        await Assert.ThrowsAnyAsync<Exception>(() => MqttFixture.PublishAsync(client, "devices/oximeter-1/messages/events/", new string('x', (256 * 1024) + 1)));
        await closed.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Empty(await _mqtt.LoggedAsync());
    }

    [Fact]
    public async Task Subscribe_AnotherDevicesMessages_RefusedInTheSubAck()
    {
        var key = await Api.RegisterAsync("oximeter-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("oximeter-1", key);

        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("devices/oximeter-2/messages/devicebound/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter("devices/oximeter-1/messages/devicebound/#", MqttQualityOfServiceLevel.ExactlyOnce)
            .Build());

        var granted = result.Items.ToDictionary(i => i.TopicFilter.Topic, i => i.ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, granted["devices/oximeter-2/messages/devicebound/#"]);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, granted["devices/oximeter-1/messages/devicebound/#"]);
    }

    private async Task<IReadOnlyList<SecurityEvent>> AuditAsync(DateTimeOffset since) =>
        await _mqtt.Services.GetRequiredService<SecurityAudit>().ListAsync(since, 100);

    private static Task Closed(IMqttClient client)
    {
        var closed = new TaskCompletionSource();
        client.DisconnectedAsync += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    public void Dispose() => _mqtt.Dispose();
}
