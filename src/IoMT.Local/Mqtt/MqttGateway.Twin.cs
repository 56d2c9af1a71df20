using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Local.Mqtt;

/// <summary>The device twin over MQTT: get, reported-properties patches, desired-property notifications.</summary>
internal sealed partial class MqttGateway
{
    /// <summary>Passes a desired-properties patch to the device, if it is connected and subscribed to them.</summary>
    private async Task DesiredPropertiesChangedAsync(string deviceId, JsonObject patch, long version, CancellationToken cancellationToken = default)
    {
        if (!_connected.TryGetValue(deviceId, out var connection) || connection.IsRegistration || connection.Granted(MqttSubscription.TwinDesired) is not { } qos)
        {
            return;
        }

        lock (connection)
        {
            if (version <= connection.DesiredVersionSent)
            {
                return;
            }

            connection.DesiredVersionSent = version;
        }

        await SendAsync(connection, IoTHubMqtt.DesiredPropertiesTopic(version), Encoding.UTF8.GetBytes(DeviceTwins.DesiredNotification(patch, version).ToJsonString()), qos)
            .ConfigureAwait(false);
    }

    /// <summary>The device reads its twin: the whole document on the twin response topic.</summary>
    private async Task GetTwinAsync(MqttConnection connection, MqttTwinGet get, CancellationToken cancellationToken)
    {
        var twin = await twins.GetForDeviceAsync(connection.Id, cancellationToken).ConfigureAwait(false);
        await RespondTwinAsync(connection, IoTHubMqtt.TwinResponseTopic(200, get.RequestId), Encoding.UTF8.GetBytes(DeviceTwins.DeviceDocument(twin).ToJsonString()))
            .ConfigureAwait(false);
    }

    /// <summary>The device patches its reported properties, at its rate: 204 with the twin's new version, or the refusal.</summary>
    private async Task PatchReportedAsync(MqttConnection connection, MqttTwinReportedPatch patch, byte[] body, CancellationToken cancellationToken)
    {
        if (ingress.TryAcquire(connection.Id) is not null)
        {
            await RespondTwinErrorAsync(connection, patch.RequestId, new ApiError(429, IoTHubErrors.RateLimitedCode,
                $"Device '{connection.Id}' is over its rate ({options.Value.DeviceMessagesPerSecond:0.#} requests a second).")).ConfigureAwait(false);
            return;
        }

        var version = await twins.PatchReportedAsync(connection.Id, body, cancellationToken).ConfigureAwait(false);
        await (version.IsSuccess
            ? RespondTwinAsync(connection, IoTHubMqtt.TwinResponseTopic(204, patch.RequestId, version.Value), [])
            : RespondTwinErrorAsync(connection, patch.RequestId, version.Error!)).ConfigureAwait(false);
    }

    private Task RespondTwinAsync(MqttConnection connection, string topic, byte[] body) =>
        connection.Granted(MqttSubscription.TwinResponses) is { } qos ? SendAsync(connection, topic, body, qos) : Task.CompletedTask;

    private Task RespondTwinErrorAsync(MqttConnection connection, string requestId, ApiError error) =>
        RespondTwinAsync(connection, IoTHubMqtt.TwinResponseTopic(error.Status, requestId), ErrorBody(error));
}
