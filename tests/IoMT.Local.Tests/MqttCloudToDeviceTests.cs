using System.Text;
using System.Text.Json;
using IoMT.Core.Devices;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace IoMT.Local.Tests;

/// <summary>Cloud-to-device messages over MQTT: delivered as QoS 1 PUBLISHes, completed by the PUBACK.</summary>
public sealed class MqttCloudToDeviceTests : IDisposable
{
    private readonly MqttFixture _mqtt = new();

    private GatewayFixture Api => _mqtt.Gateway;

    private ICloudToDeviceStore Queue => _mqtt.Services.GetRequiredService<ICloudToDeviceStore>();

    [Fact]
    public async Task QueuedThenSubscribed_DeliveredWithItsPropertiesInTheTopic_PubAckCompletesIt()
    {
        var key = await Api.RegisterAsync("dispenser-1");
        var sent = await SendAsync("dispenser-1", "reminder", "corr-7", new() { ["dose"] = "morning" });
        var (client, inbox) = await _mqtt.ConnectDeviceAsync("dispenser-1", key);

        await MqttFixture.SubscribeAsync(client, "devices/dispenser-1/messages/devicebound/#");
        var message = await inbox.NextAsync("devices/dispenser-1/messages/devicebound/");

        var bag = IoTHubMqtt.ParsePropertyBag(message.Topic["devices/dispenser-1/messages/devicebound/".Length..]).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal((sent.MessageId, "corr-7", "morning", "/devices/dispenser-1/messages/deviceBound"), (bag["$.mid"], bag["$.cid"], bag["dose"], bag["$.to"]));
        Assert.True(DateTimeOffset.TryParse(bag["$.exp"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal("reminder", Encoding.UTF8.GetString(message.Payload));
        Assert.Equal(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, message.QualityOfServiceLevel);
        await UntilStatusAsync("dispenser-1", sent.MessageId, CloudToDeviceStatus.Completed);
    }

    [Fact]
    public async Task SubscribedThenQueued_Delivered()
    {
        var key = await Api.RegisterAsync("dispenser-1");
        var (client, inbox) = await _mqtt.ConnectDeviceAsync("dispenser-1", key);
        await MqttFixture.SubscribeAsync(client, "devices/dispenser-1/messages/devicebound/#");

        var first = await SendAsync("dispenser-1", "one");
        var second = await SendAsync("dispenser-1", "two");

        Assert.Equal("one", Encoding.UTF8.GetString((await inbox.NextAsync("devices/dispenser-1/messages/devicebound/")).Payload));
        Assert.Equal("two", Encoding.UTF8.GetString((await inbox.NextAsync("devices/dispenser-1/messages/devicebound/")).Payload));
        await UntilStatusAsync("dispenser-1", first.MessageId, CloudToDeviceStatus.Completed);
        await UntilStatusAsync("dispenser-1", second.MessageId, CloudToDeviceStatus.Completed);
    }

    [Fact]
    public async Task DisconnectedBeforePubAck_DeliveredAgainAfterReconnecting_ThenCompleted()
    {
        var key = await Api.RegisterAsync("dispenser-1");
        var sent = await SendAsync("dispenser-1", "reminder");
        var (first, firstInbox) = await _mqtt.ConnectDeviceAsync("dispenser-1", key);
        firstInbox.Acknowledge = false;
        await MqttFixture.SubscribeAsync(first, "devices/dispenser-1/messages/devicebound/#");
        await firstInbox.NextAsync("devices/dispenser-1/messages/devicebound/");

        await first.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        await UntilStatusAsync("dispenser-1", sent.MessageId, CloudToDeviceStatus.Queued);
        var (second, secondInbox) = await _mqtt.ConnectDeviceAsync("dispenser-1", key);
        await MqttFixture.SubscribeAsync(second, "devices/dispenser-1/messages/devicebound/#");
        var again = await secondInbox.NextAsync("devices/dispenser-1/messages/devicebound/");

        Assert.Contains($"%24.mid={sent.MessageId}", again.Topic, StringComparison.Ordinal);
        var completed = await UntilStatusAsync("dispenser-1", sent.MessageId, CloudToDeviceStatus.Completed);
        Assert.Equal(1, completed.DeliveryCount);
    }

    [Fact]
    public async Task NotSubscribed_NothingDelivered_MessageStaysQueued()
    {
        var key = await Api.RegisterAsync("dispenser-1");
        var (client, _) = await _mqtt.ConnectDeviceAsync("dispenser-1", key);
        var sent = await SendAsync("dispenser-1", "reminder");

        await MqttFixture.PublishAsync(client, "devices/dispenser-1/messages/events/", MqttFixture.Telemetry("dispenser-1", "m-1", 95));

        Assert.Equal(CloudToDeviceStatus.Queued, (await Queue.FindAsync("dispenser-1", sent.MessageId, DateTimeOffset.UtcNow))!.Status);
    }

    private async Task<CloudToDeviceSent> SendAsync(string deviceId, string text, string? correlationId = null, Dictionary<string, string?>? properties = null)
    {
        var service = ActivatorUtilities.GetServiceOrCreateInstance<CloudToDeviceService>(_mqtt.Services);
        var payload = JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement;
        var sent = await service.SendAsync("tests", deviceId, Guid.NewGuid().ToString(), new CloudToDeviceRequest(payload, correlationId, properties));
        Assert.True(sent.IsSuccess, sent.Error?.Detail);
        return sent.Value!;
    }

    private async Task<CloudToDeviceMessage> UntilStatusAsync(string deviceId, string messageId, CloudToDeviceStatus status)
    {
        CloudToDeviceMessage? message = null;
        await MqttFixture.UntilAsync(async () => (message = await Queue.FindAsync(deviceId, messageId, DateTimeOffset.UtcNow))?.Status == status,
            $"message {messageId} {status}");
        return message!;
    }

    public void Dispose() => _mqtt.Dispose();
}
