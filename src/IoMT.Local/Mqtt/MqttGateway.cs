using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Local.Tls;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.AspNetCore;
using MQTTnet.Diagnostics.Logger;
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
            case MqttTelemetry telemetry:
                return await AcceptTelemetryAsync(connection, telemetry, body, cancellationToken).ConfigureAwait(false);
            case MqttTwinGet get:
                await GetTwinAsync(connection, get, cancellationToken).ConfigureAwait(false);
                return true;
            case MqttTwinReportedPatch patch:
                await PatchReportedAsync(connection, patch, body, cancellationToken).ConfigureAwait(false);
                return true;
            default:
                Log.Closed(logger, connection.Id, "a PUBLISH to a topic IoT Hub does not serve");
                return false;
        }
    }

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
