using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Local.Mqtt;

/// <summary>Device-to-cloud messages over MQTT: into the same durable ingestion log as over HTTPS.</summary>
internal sealed partial class MqttGateway
{
    /// <summary>
    /// A device-to-cloud message: on the device's own topic, from a device that is still enabled, at its rate (a device
    /// over it waits for its PUBACK, up to <see cref="MaxShaping"/>), stored durably in the ingestion log.
    /// </summary>
    private async Task<bool> AcceptTelemetryAsync(MqttConnection connection, MqttTelemetry telemetry, byte[] body, CancellationToken cancellationToken)
    {
        if (telemetry.DeviceId != connection.Id)
        {
            await AuditAsync(new ApiError(401, ApiError.Unauthenticated, $"Published to device '{telemetry.DeviceId}''s topic; a device sends as itself only."),
                "device:" + connection.Id, "MQTT PUBLISH devices/{id}/messages/events").ConfigureAwait(false);
            return false;
        }

        var message = new DeviceMessage(body, telemetry.Properties);
        var device = await registry.FindAsync(connection.Id, cancellationToken).ConfigureAwait(false);
        if (device is not { IsDeleted: false, Status: DeviceStatus.Enabled })
        {
            await AuditAsync(device is null || device.IsDeleted
                    ? new ApiError(404, ApiError.DeviceNotFound, $"Device '{connection.Id}' is not registered any more.")
                    : new ApiError(404, IoTHubErrors.DeviceDisabledCode, $"Device '{connection.Id}' is disabled."),
                "device:" + connection.Id, "MQTT PUBLISH devices/{id}/messages/events").ConfigureAwait(false);
            return false;
        }

        var waited = TimeSpan.Zero;
        while (true)
        {
            var result = await ingress.AcceptAsync(device, [message], cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess)
            {
                return true;
            }

            if (result.RetryAfter is not { } retryAfter || waited + retryAfter > MaxShaping)
            {
                await AuditAsync(result.Error!, "device:" + connection.Id, "MQTT PUBLISH devices/{id}/messages/events").ConfigureAwait(false);
                return false;
            }

            await Task.Delay(retryAfter, time, cancellationToken).ConfigureAwait(false);
            waited += retryAfter;
        }
    }
}
