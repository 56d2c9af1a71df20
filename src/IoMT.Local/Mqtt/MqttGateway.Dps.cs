using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Local.Mqtt;

/// <summary>DPS over MQTT: a device connected with its registration id registers and polls its operation.</summary>
internal sealed partial class MqttGateway
{
    /// <summary>A request of a device registering through DPS; false closes the connection.</summary>
    private async Task<bool> HandleRegistrationAsync(MqttConnection connection, MqttDeviceRequest? request, byte[] body, CancellationToken cancellationToken)
    {
        var identity = (MqttRegistrationIdentity)connection.Identity;
        switch (request)
        {
            case MqttDpsRegister register:
                if (RegistrationIdOf(body) is { } named && named != identity.RegistrationId)
                {
                    await RespondDpsAsync(connection, register.RequestId, 400, ErrorBody(new ApiError(400, ApiError.BodyInvalid,
                        $"The body names registration '{named}'; this connection registers '{identity.RegistrationId}'."))).ConfigureAwait(false);
                    return true;
                }

                var registered = await gateway.RegisterAsync(identity.IdScope, identity.RegistrationId, connection.Password, Endpoints(), cancellationToken)
                    .ConfigureAwait(false);
                if (!registered.IsSuccess)
                {
                    await AuditAsync(registered.Error!, "device:" + connection.Id, "MQTT PUBLISH $dps/registrations/PUT/iotdps-register").ConfigureAwait(false);
                    await RespondDpsAsync(connection, register.RequestId, registered.Error!.Status, ErrorBody(registered.Error!)).ConfigureAwait(false);
                    return true;
                }

                var operationId = operations.Add(registered.Value!);
                await RespondDpsAsync(connection, register.RequestId, 202, JsonSerializer.SerializeToUtf8Bytes(DpsOperations.Assigning(operationId), Json), retryAfter: 1)
                    .ConfigureAwait(false);
                return true;
            case MqttDpsOperationStatus status:
                if (operations.Find(status.OperationId) is not { } done || done.RegistrationId != identity.RegistrationId)
                {
                    await RespondDpsAsync(connection, status.RequestId, 404, ErrorBody(DpsOperations.NotFound(status.OperationId))).ConfigureAwait(false);
                    return true;
                }

                await RespondDpsAsync(connection, status.RequestId, 200, JsonSerializer.SerializeToUtf8Bytes(DpsOperations.Assigned(status.OperationId, done), Json))
                    .ConfigureAwait(false);
                return true;
            default:
                Log.Closed(logger, connection.Id, "a PUBLISH to a topic DPS does not serve");
                return false;
        }
    }

    private Task RespondDpsAsync(MqttConnection connection, string requestId, int status, byte[] body, int? retryAfter = null) =>
        connection.Granted(MqttSubscription.DpsResponses) is { } qos
            ? SendAsync(connection, IoTHubMqtt.DpsResponseTopic(status, requestId, retryAfter), body, qos)
            : Task.CompletedTask;

    private static string? RegistrationIdOf(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject root && root["registrationId"] is JsonValue value && value.TryGetValue<string>(out var id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
