using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using IoMT.Client;
using IoMT.Core.Devices;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace IoMT.Load;

/// <summary>
/// IoT Hub's MQTT 3.1.1 dialect over TLS, as Microsoft's device SDKs speak it: one connection per device (client id =
/// device id, user name <c>{hub}/{device id}/?api-version=…</c>, password a SAS token for <c>{hub}/devices/{device id}</c>
/// valid until <paramref name="tokensExpire"/>), trusting the hub's CA (the PEM file <paramref name="caPemPath"/>) and nothing else; each message a QoS 1 PUBLISH to
/// <c>devices/{id}/messages/events/</c> with its message id in the property bag. Accepted is the PUBACK, which the hub
/// sends only once the message is durably stored. Failures: <c>connect-refused</c> (the device's connection could not
/// be opened), <c>disconnected</c> (it was lost), <c>publish-failed</c> (no PUBACK, e.g. a timeout).
/// </summary>
public sealed class MqttTransport(IPEndPoint server, string caPemPath, string hubHostName, DateTimeOffset tokensExpire) : ILoadTransport
{
    public const string ApiVersion = "2021-04-12";
    public const string Accepted = "puback";
    public const string ConnectRefused = "connect-refused";
    public const string Disconnected = "disconnected";
    public const string PublishFailed = "publish-failed";

    /// <summary>As the HTTPS client waits for an answer.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly X509Certificate2 _ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPemPath));
    private IMqttClient?[] _clients = [];
    private string[] _topics = [];
    private ConnectReport? _connected;
    private long _lost;
    private volatile bool _closing;

    public string Name => "mqtt";

    /// <summary>How many connections are opened at once while connecting.</summary>
    public int ParallelConnects { get; init; } = 32;

    public ConnectReport? Connections => _connected is { } connected ? connected with { LostDuringRun = Interlocked.Read(ref _lost) } : null;

    public async Task ConnectAsync(IReadOnlyList<DeviceConnection> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        _clients = new IMqttClient?[devices.Count];
        // The content type and encoding the HTTPS client sends in Content-Type, as the SDKs put them in the property bag.
        _topics = [.. devices.Select(d => $"devices/{d.DeviceId}/messages/events/%24.ct=application%2Fjson&%24.ce=utf-8&%24.mid=")];
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var start = Clock.Now;
        await Parallel.ForEachAsync(Enumerable.Range(0, devices.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelConnects, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var began = Clock.Now;
            var failure = await TryConnectAsync(client, devices[i], token);
            if (failure is null)
            {
                latencies.Add(Clock.Milliseconds(began, Clock.Now));
                client.DisconnectedAsync += e =>
                {
                    if (e.ClientWasConnected && !_closing)
                    {
                        Interlocked.Increment(ref _lost);
                    }

                    return Task.CompletedTask;
                };
                _clients[i] = client;
            }
            else
            {
                failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
                client.Dispose();
            }
        });

        _connected = new ConnectReport(devices.Count, latencies.Count, Math.Round(Clock.Milliseconds(start, Clock.Now) / 1000, 2), LatencySummary.Of(latencies), failures, 0);
    }

    public async Task<SendOutcome> SendAsync(int device, string messageId, string body, CancellationToken cancellationToken)
    {
        if (_clients[device] is not { } client)
        {
            return new SendOutcome(false, ConnectRefused);
        }

        if (!client.IsConnected)
        {
            return new SendOutcome(false, Disconnected);
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topics[device] + Uri.EscapeDataString(messageId))
            .WithPayload(Encoding.UTF8.GetBytes(body))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await client.PublishAsync(message, cancellationToken);
            return result.IsSuccess ? new SendOutcome(true, Accepted) : new SendOutcome(false, PublishFailed);
        }
        catch (MqttClientNotConnectedException)
        {
            return new SendOutcome(false, Disconnected);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A timeout while the connection stays up is a publish that failed; an exception because it closed, a lost connection.
            return new SendOutcome(false, client.IsConnected || e is MqttCommunicationTimedOutException ? PublishFailed : Disconnected);
        }
    }

    /// <summary>Closes every connection with a DISCONNECT, as a device that stops cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await Parallel.ForEachAsync(_clients.OfType<IMqttClient>(), new ParallelOptions { MaxDegreeOfParallelism = ParallelConnects }, async (client, _) =>
        {
            try
            {
                if (client.IsConnected)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
                }
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException)
            {
                // Already closing: nothing left to say to the host.
            }
            finally
            {
                client.Dispose();
            }
        });
        _clients = [];
        _ca.Dispose();
    }

    /// <summary>Connects one device; null when connected, else why not.</summary>
    private async Task<string?> TryConnectAsync(IMqttClient client, DeviceConnection device, CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(server.Address.ToString(), server.Port)
            .WithClientId(device.DeviceId)
            .WithCredentials($"{hubHostName}/{device.DeviceId}/?api-version={ApiVersion}", SasToken.Create($"{hubHostName}/devices/{device.DeviceId}", device.Key, tokensExpire))
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession()
            .WithTimeout(Timeout)
            .WithTlsOptions(tls => tls.UseTls().WithTargetHost(hubHostName).WithCertificateValidationHandler(e => LocalHubTrust.Accepts(_ca, e.Certificate, e.SslPolicyErrors)))
            .Build();
        try
        {
            var result = await client.ConnectAsync(options, cancellationToken);
            return result.ResultCode == MqttClientConnectResultCode.Success ? null : $"CONNACK {result.ResultCode}";
        }
        catch (MqttConnectingFailedException e) when (e.InnerException is null)
        {
            return e.Message;
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.InnerException is SocketException socket ? $"socket {socket.SocketErrorCode}"
                : e is MqttCommunicationTimedOutException or OperationCanceledException ? "timeout"
                : e.InnerException?.GetType().Name ?? e.GetType().Name;
        }
    }
}
