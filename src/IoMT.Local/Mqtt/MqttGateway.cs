using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Local.Tls;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.AspNetCore;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;
using MQTTnet.Server.Internal.Adapter;

namespace IoMT.Local.Mqtt;

/// <summary>
/// The local hub's MQTT 3.1.1 endpoint, in IoT Hub's and DPS's device dialect (<see cref="IoTHubMqtt"/>): over TLS on
/// the MQTT port of <see cref="DeviceEndpoints"/> (8883) with the hub's server certificate, and over WebSockets at
/// <c>/$iothub/websocket</c> on the HTTPS endpoint. A device connects with its id as client id and a SAS token as
/// password, checked as the HTTPS gateway checks it; it publishes device-to-cloud messages (stored durably before the
/// PUBACK, through the same <see cref="DeviceMessageIngress"/> as HTTPS), reads and reports its twin, receives
/// desired-property updates and cloud-to-device messages. A device registering through DPS connects with its
/// registration id and registers. Whatever IoT Hub does not serve closes the connection, as IoT Hub does.
/// </summary>
internal sealed partial class MqttGateway(
    DeviceEndpoints endpoints,
    DeviceGateway gateway,
    IDeviceRegistry registry,
    SqliteDeviceRegistry localRegistry,
    DeviceMessageIngress ingress,
    DeviceTwinService twins,
    ICloudToDeviceStore cloudToDevice,
    DpsOperations operations,
    DeviceNotifications notifications,
    SecurityAudit audit,
    TimeProvider time,
    IOptions<LocalOptions> options,
    ILogger<MqttGateway> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>IoT Hub's limit for a device-to-cloud message; a larger PUBLISH closes the connection.</summary>
    public const int MaxMessageBytes = DeviceGateway.MaxMessageBytes;

    /// <summary>How long a device over its rate waits for its PUBACK (traffic shaping) before the connection is closed instead.</summary>
    public static readonly TimeSpan MaxShaping = TimeSpan.FromSeconds(10);

    /// <summary>How often a connected device's cloud-to-device queue is looked at when nothing signalled it (locks that ran out).</summary>
    public static readonly TimeSpan QueuePoll = TimeSpan.FromSeconds(15);

    private const string ConnectionKey = "iomt.mqtt-connection";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, MqttConnection> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MqttConnection> _connected = new(StringComparer.Ordinal);
    private readonly MqttWebSocketServerAdapter _webSockets = new();
    private MqttServer? _server;

    /// <summary>The port the MQTT-over-TLS endpoint listens on, once started.</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var address = endpoints.BindAddress;
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointPort(endpoints.MqttPort)
            .WithEncryptedEndpointBoundIPAddress(v6 ? IPAddress.None : address)
            .WithEncryptedEndpointBoundIPV6Address(v6 ? address : IPAddress.None)
            .WithEncryptionCertificate(endpoints.ServerCertificate)
            .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13)
            .WithPersistentSessions(false)
            .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(30))
            .Build();

        var server = new MqttServer(serverOptions, [new MqttTcpServerAdapter(), _webSockets], new MqttLogger(logger));
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.ClientConnectedAsync += ClientConnectedAsync;
        server.ClientDisconnectedAsync += ClientDisconnectedAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.InterceptingUnsubscriptionAsync += InterceptUnsubscriptionAsync;
        server.ClientAcknowledgedPublishPacketAsync += ClientAcknowledgedAsync;
        server.InterceptingInboundPacketAsync += InterceptInboundAsync;
        server.InterceptingOutboundPacketAsync += InterceptOutboundAsync;
        await server.StartAsync().ConfigureAwait(false);
        _server = server;
        notifications.DesiredChanged = DesiredPropertiesChangedAsync;
        notifications.CloudToDeviceQueued = CloudToDeviceQueued;
        Port = serverOptions.TlsEndpointOptions.Port;
        Log.Listening(logger, address, Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is not { } server)
        {
            return;
        }

        notifications.DesiredChanged = null;
        notifications.CloudToDeviceQueued = null;

        await server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        server.Dispose();
        foreach (var connection in _connected.Values.Concat(_pending.Values))
        {
            connection.Close();
        }

        await Task.WhenAll(_connected.Values.Select(c => c.Delivery ?? Task.CompletedTask)).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>An MQTT connection over a WebSocket (<c>/$iothub/websocket</c>), with the <c>mqtt</c> subprotocol.</summary>
    public async Task AcceptWebSocketAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest || _server is null)
        {
            context.Response.StatusCode = _server is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(MqttSubProtocolSelector.SelectSubProtocol(context.Request)).ConfigureAwait(false);
        await _webSockets.RunWebSocketConnectionAsync(socket, context).ConfigureAwait(false);
    }

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

    /// <summary>Wakes the delivery loop of a connected device that has a new cloud-to-device message.</summary>
    private void CloudToDeviceQueued(string deviceId)
    {
        if (_connected.TryGetValue(deviceId, out var connection))
        {
            connection.SignalQueued();
        }
    }

    /// <summary>
    /// CONNECT: IoT Hub's identity (client id = device id, or registration id for DPS) and a SAS token as password,
    /// checked as the HTTPS endpoints check it. Every refusal is "not authorized" (MQTT 3.1.1 return code 5), as IoT Hub
    /// answers bad credentials and disabled devices, and is recorded in the security audit.
    /// </summary>
    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        if (args.ProtocolVersion != MQTTnet.Formatter.MqttProtocolVersion.V311)
        {
            args.ReasonCode = MqttConnectReasonCode.UnsupportedProtocolVersion;
            return;
        }

        var identity = IoTHubMqtt.ParseConnect(args.ClientId, args.UserName);
        var refusal = identity switch
        {
            null => new ApiError(401, ApiError.Unauthenticated,
                "CONNECT as IoT Hub expects: client id = device id, user name {hub}/{device id}/?api-version=…, password a SAS token (or DPS's {id scope}/registrations/{registration id}/api-version=…)."),
            MqttDeviceIdentity device => (await gateway.AuthenticateAsync(device.DeviceId, args.Password, options.Value.TokenHostNames(), args.CancellationToken).ConfigureAwait(false)).Error,
            MqttRegistrationIdentity registration => (await gateway.AuthenticateRegistrationAsync(
                registration.IdScope, registration.RegistrationId, args.Password, Endpoints(), args.CancellationToken).ConfigureAwait(false)).Error,
            _ => null,
        };
        if (refusal is not null)
        {
            args.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            await AuditAsync(refusal, string.IsNullOrEmpty(args.ClientId) ? "anonymous" : "device:" + args.ClientId, "MQTT CONNECT",
                (args.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString()).ConfigureAwait(false);
            return;
        }

        var token = SasToken.Parse(args.Password)!;
        var connection = new MqttConnection(identity!, args.Password, token.AcceptedUntil);

        // IoT Hub keeps one connection per device: the one open before this one is closed (its messages put back) first.
        if (_connected.TryGetValue(connection.Id, out var previous) && _server is { } server)
        {
            await server.DisconnectClientAsync(connection.Id, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.SessionTakenOver })
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await previous.Closed.WaitAsync(TimeSpan.FromSeconds(10), args.CancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _pending[connection.Id] = connection;
    }

    private Task ClientConnectedAsync(ClientConnectedEventArgs args)
    {
        if (_pending.TryRemove(args.ClientId, out var connection))
        {
            args.SessionItems[ConnectionKey] = connection;
            _connected[connection.Id] = connection;
            Log.Connected(logger, connection.Id, connection.IsRegistration ? "DPS" : "IoT Hub");
        }

        return Task.CompletedTask;
    }

    private async Task ClientDisconnectedAsync(ClientDisconnectedEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is not MqttConnection connection)
        {
            return;
        }

        connection.Close();
        _connected.TryRemove(new KeyValuePair<string, MqttConnection>(connection.Id, connection));
        try
        {
            if (connection.Delivery is { } delivery)
            {
                await delivery.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            // Messages the device did not acknowledge go back to its queue, to be delivered again.
            foreach (var (_, (lockToken, _)) in connection.InFlight)
            {
                await cloudToDevice.SettleAsync(connection.Id, lockToken, CloudToDeviceSettlement.Abandon, time.GetUtcNow()).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.CleanupFailed(logger, e, connection.Id);
        }
        finally
        {
            connection.MarkClosed();
            connection.Dispose();
            Log.Disconnected(logger, connection.Id, args.DisconnectType);
        }
    }

    private async Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is not MqttConnection connection)
        {
            args.CloseConnection = true;
            return;
        }

        var subscription = IoTHubMqtt.ParseSubscription(args.TopicFilter.Topic, connection.Id, connection.IsRegistration);
        if (subscription is null)
        {
            // IoT Hub serves only its documented filters (another device's messages are not among them).
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
            return;
        }

        var qos = args.TopicFilter.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
        args.Response.ReasonCode = qos == MqttQualityOfServiceLevel.AtMostOnce ? MqttSubscribeReasonCode.GrantedQoS0 : MqttSubscribeReasonCode.GrantedQoS1;
        connection.Subscribe(subscription.Value, qos);
        if (subscription == MqttSubscription.CloudToDevice)
        {
            lock (connection)
            {
                connection.Delivery ??= Task.Run(() => DeliverCloudToDeviceAsync(connection));
            }
        }
    }

    private Task InterceptUnsubscriptionAsync(InterceptingUnsubscriptionEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is MqttConnection connection
            && IoTHubMqtt.ParseSubscription(args.Topic, connection.Id, connection.IsRegistration) is { } subscription)
        {
            connection.Unsubscribe(subscription);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// MQTTnet 5.2 answers a SUBSCRIBE's filters in the order of their QoS, highest first, where MQTT wants the order
    /// they were asked in: the QoS asked for of a SUBSCRIBE with several filters are kept, to put its SUBACK in order.
    /// </summary>
    private static Task InterceptInboundAsync(InterceptingPacketEventArgs args)
    {
        if (args.Packet is MqttSubscribePacket { TopicFilters.Count: > 1 } subscribe && args.SessionItems[ConnectionKey] is MqttConnection connection)
        {
            connection.SubscribesInFlight[subscribe.PacketIdentifier] = [.. subscribe.TopicFilters.Select(f => f.QualityOfServiceLevel)];
        }

        return Task.CompletedTask;
    }

    private static Task InterceptOutboundAsync(InterceptingPacketEventArgs args)
    {
        if (args.Packet is MqttSubAckPacket { ReasonCodes: { Count: > 1 } codes } subAck && args.SessionItems[ConnectionKey] is MqttConnection connection
            && connection.SubscribesInFlight.TryRemove(subAck.PacketIdentifier, out var asked) && asked.Length == codes.Count)
        {
            // The codes come in the order of a stable sort by QoS, descending; give each back its filter's place.
            var inOrder = new MqttSubscribeReasonCode[codes.Count];
            var sorted = Enumerable.Range(0, asked.Length).OrderByDescending(i => asked[i]).ToArray();
            for (var k = 0; k < sorted.Length; k++)
            {
                inOrder[sorted[k]] = codes[k];
            }

            subAck.ReasonCodes = [.. inOrder];
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Every PUBLISH of a device is a request to the hub, never passed on to other clients. The PUBACK of a QoS 1
    /// PUBLISH goes out once this returns: for a device-to-cloud message, after it is stored durably.
    /// </summary>
    private async Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        args.ProcessPublish = false;
        var message = args.ApplicationMessage;
        if (args.SessionItems[ConnectionKey] is not MqttConnection connection)
        {
            args.CloseConnection = true;
            return;
        }

        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce || message.Payload.Length > MaxMessageBytes)
        {
            // IoT Hub closes the connection on QoS 2, and on a message over its size limit.
            Log.Closed(logger, connection.Id, message.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce ? "QoS 2" : "a message over 256 KB");
            args.CloseConnection = true;
            return;
        }

        if (time.GetUtcNow() >= connection.TokenExpiresAt)
        {
            await AuditAsync(new ApiError(401, ApiError.Unauthenticated, "The token has expired; connect again with a new one."), "device:" + connection.Id, "MQTT PUBLISH")
                .ConfigureAwait(false);
            args.CloseConnection = true;
            return;
        }

        var body = message.Payload.ToArray();
        var request = IoTHubMqtt.ParsePublish(message.Topic, message.Retain);
        try
        {
            args.CloseConnection = !await (connection.IsRegistration
                ? HandleRegistrationAsync(connection, request, body, args.CancellationToken)
                : HandleDeviceAsync(connection, request, body, args.CancellationToken)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing is acknowledged: the device sends again once it has reconnected.
            Log.PublishFailed(logger, e, connection.Id);
            args.CloseConnection = true;
        }

        if (args.CloseConnection)
        {
            connection.Close();
        }
    }

    /// <summary>A hub device's request; false closes the connection.</summary>
    private async Task<bool> HandleDeviceAsync(MqttConnection connection, MqttDeviceRequest? request, byte[] body, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case MqttTelemetry telemetry when telemetry.DeviceId != connection.Id:
                await AuditAsync(new ApiError(401, ApiError.Unauthenticated, $"Published to device '{telemetry.DeviceId}''s topic; a device sends as itself only."),
                    "device:" + connection.Id, "MQTT PUBLISH devices/{id}/messages/events").ConfigureAwait(false);
                return false;
            case MqttTelemetry telemetry:
                return await AcceptTelemetryAsync(connection, new DeviceMessage(body, telemetry.Properties), cancellationToken).ConfigureAwait(false);
            case MqttTwinGet get:
                var twin = await twins.GetForDeviceAsync(connection.Id, cancellationToken).ConfigureAwait(false);
                await RespondTwinAsync(connection, IoTHubMqtt.TwinResponseTopic(200, get.RequestId), Encoding.UTF8.GetBytes(DeviceTwins.DeviceDocument(twin).ToJsonString()))
                    .ConfigureAwait(false);
                return true;
            case MqttTwinReportedPatch patch:
                if (ingress.TryAcquire(connection.Id) is not null)
                {
                    await RespondTwinErrorAsync(connection, patch.RequestId, new ApiError(429, IoTHubErrors.RateLimitedCode,
                        $"Device '{connection.Id}' is over its rate ({options.Value.DeviceMessagesPerSecond:0.#} requests a second).")).ConfigureAwait(false);
                    return true;
                }

                var version = await twins.PatchReportedAsync(connection.Id, body, cancellationToken).ConfigureAwait(false);
                await (version.IsSuccess
                    ? RespondTwinAsync(connection, IoTHubMqtt.TwinResponseTopic(204, patch.RequestId, version.Value), [])
                    : RespondTwinErrorAsync(connection, patch.RequestId, version.Error!)).ConfigureAwait(false);
                return true;
            default:
                Log.Closed(logger, connection.Id, "a PUBLISH to a topic IoT Hub does not serve");
                return false;
        }
    }

    /// <summary>
    /// A device-to-cloud message: from a device that is still enabled, at its rate (a device over it waits for its
    /// PUBACK, up to <see cref="MaxShaping"/>), stored durably in the ingestion log.
    /// </summary>
    private async Task<bool> AcceptTelemetryAsync(MqttConnection connection, DeviceMessage message, CancellationToken cancellationToken)
    {
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

    /// <summary>
    /// Delivers the device's cloud-to-device messages one at a time, oldest first, as QoS 1 PUBLISHes (QoS 0 if that is
    /// all the device subscribed with): the PUBACK completes a message; a connection closed before it puts it back.
    /// </summary>
    private async Task DeliverCloudToDeviceAsync(MqttConnection connection)
    {
        var closing = connection.Closing;
        try
        {
            while (!closing.IsCancellationRequested)
            {
                var queued = connection.NextQueued;
                // Not cancelled midway: a message the queue locked for the device is always known here, to be put back.
                var message = await cloudToDevice.ReceiveAsync(connection.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                if (message is null)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(closing);
                    await Task.WhenAny(queued, Task.Delay(QueuePoll, time, wait.Token)).ConfigureAwait(false);
                    await wait.CancelAsync().ConfigureAwait(false);
                    continue;
                }

                var qos = connection.Granted(MqttSubscription.CloudToDevice) ?? MqttQualityOfServiceLevel.AtLeastOnce;
                var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.InFlight[message.MessageId] = (message.LockToken!, acknowledged);
                var topic = IoTHubMqtt.CloudToDeviceTopic(connection.Id, message.MessageId, message.CorrelationId, message.ExpiresAt, null, message.Properties);
                if (!await SendAsync(connection, topic, message.Body, qos).ConfigureAwait(false))
                {
                    return;
                }

                if (qos == MqttQualityOfServiceLevel.AtLeastOnce)
                {
                    // Until the PUBACK, or the lock runs out (the queue then has the message again for the next round).
                    await acknowledged.Task.WaitAsync(CloudToDeviceRules.LockTimeout, time, closing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (!acknowledged.Task.IsCompleted)
                    {
                        continue;
                    }
                }

                if (connection.InFlight.TryRemove(message.MessageId, out var held))
                {
                    await cloudToDevice.SettleAsync(connection.Id, held.LockToken, CloudToDeviceSettlement.Complete, time.GetUtcNow(), CancellationToken.None)
                        .ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (closing.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.DeliveryFailed(logger, e, connection.Id);
        }
    }

    /// <summary>The device's PUBACK of a cloud-to-device message: its delivery is complete.</summary>
    private Task ClientAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs args)
    {
        if (args.SessionItems[ConnectionKey] is MqttConnection connection
            && args.PublishPacket.Topic is { } topic
            && topic.StartsWith($"devices/{connection.Id}/messages/devicebound/", StringComparison.Ordinal)
            && IoTHubMqtt.ParsePropertyBag(topic[$"devices/{connection.Id}/messages/devicebound/".Length..]).FirstOrDefault(p => p.Key == IoTHubMqtt.MessageIdKey).Value is { } messageId
            && connection.InFlight.TryGetValue(messageId, out var held))
        {
            held.Acknowledged.TrySetResult();
        }

        return Task.CompletedTask;
    }

    private Task RespondTwinAsync(MqttConnection connection, string topic, byte[] body) =>
        connection.Granted(MqttSubscription.TwinResponses) is { } qos ? SendAsync(connection, topic, body, qos) : Task.CompletedTask;

    private Task RespondTwinErrorAsync(MqttConnection connection, string requestId, ApiError error) =>
        RespondTwinAsync(connection, IoTHubMqtt.TwinResponseTopic(error.Status, requestId), ErrorBody(error));

    private Task RespondDpsAsync(MqttConnection connection, string requestId, int status, byte[] body, int? retryAfter = null) =>
        connection.Granted(MqttSubscription.DpsResponses) is { } qos
            ? SendAsync(connection, IoTHubMqtt.DpsResponseTopic(status, requestId, retryAfter), body, qos)
            : Task.CompletedTask;

    /// <summary>Publishes to this connection's client alone (never through other clients' subscriptions); false when it is gone.</summary>
    private async Task<bool> SendAsync(MqttConnection connection, string topic, byte[] body, MqttQualityOfServiceLevel qos)
    {
        if (_server is not { } server || connection.Closing.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            var session = await server.GetSessionAsync(connection.Id).ConfigureAwait(false);
            var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(body).WithQualityOfServiceLevel(qos).Build();
            return session.TryEnqueueApplicationMessage(message, out _);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// An error answer's body, as IoT Hub and DPS give it: <c>{"errorCode": 400004, "trackingId", "message",
    /// "timestampUtc"}</c> (the SDKs raise <c>message</c> when <c>errorCode</c> is set).
    /// </summary>
    private byte[] ErrorBody(ApiError error)
    {
        var iotHub = IoTHubErrors.For(error);
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            errorCode = (error.Status * 1000) + (error.Status is 401 ? 2 : error.Status is 400 ? 4 : 1),
            trackingId = Guid.NewGuid().ToString("N"),
            message = $"ErrorCode:{iotHub.Code};{error.Detail}",
            timestampUtc = time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        }, Json);
    }

    private async Task AuditAsync(ApiError error, string actor, string request, string? source = null)
    {
        if (IoTHubErrors.AuditCode(error) is not { } code)
        {
            return;
        }

        try
        {
            await audit.RecordAsync(code, actor, request, error.Detail, source, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.AuditFailed(logger, e);
        }
    }

    private GatewayEndpoints Endpoints() => new(options.Value.HubHostName(), localRegistry.IdScope(), options.Value.HubHostName());

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

    /// <summary>MQTTnet's own log, warnings and errors only, at debug level (a device dropping its connection is no news).</summary>
    private sealed class MqttLogger(ILogger logger) : IMqttNetLogger
    {
        public bool IsEnabled => logger.IsEnabled(LogLevel.Debug);

        public void Publish(MqttNetLogLevel level, string source, string message, object[] parameters, Exception exception)
        {
            if (level >= MqttNetLogLevel.Warning && logger.IsEnabled(LogLevel.Debug))
            {
                Log.Library(logger, exception, source, parameters is { Length: > 0 } ? string.Format(CultureInfo.InvariantCulture, message, parameters) : message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "MQTT endpoint for devices (IoT Hub and DPS dialect) listening on {Address}:{Port} over TLS, and at /$iothub/websocket")]
        public static partial void Listening(ILogger logger, IPAddress address, int port);

        [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT client {ClientId} connected ({Service})")]
        public static partial void Connected(ILogger logger, string clientId, string service);

        [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT client {ClientId} disconnected ({How})")]
        public static partial void Disconnected(ILogger logger, string clientId, MqttClientDisconnectType how);

        [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT connection of {ClientId} closed: {Reason}")]
        public static partial void Closed(ILogger logger, string clientId, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A PUBLISH of MQTT client {ClientId} failed; the connection is closed without acknowledging it")]
        public static partial void PublishFailed(ILogger logger, Exception exception, string clientId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering cloud-to-device messages to {ClientId} over MQTT failed; they are delivered again when it reconnects")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string clientId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Putting back the unacknowledged cloud-to-device messages of {ClientId} failed; their locks run out instead")]
        public static partial void CleanupFailed(ILogger logger, Exception exception, string clientId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A refused MQTT request could not be recorded in the security audit")]
        public static partial void AuditFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Debug, Message = "MQTTnet {Source}: {Message}")]
        public static partial void Library(ILogger logger, Exception? exception, string source, string message);
    }
}
