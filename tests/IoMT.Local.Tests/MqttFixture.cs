using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using IoMT.Client;
using IoMT.Local.Mqtt;
using IoMT.Local.Tls;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace IoMT.Local.Tests;

/// <summary>
/// The local host with its MQTT endpoint on a free port, the people and patient of <see cref="GatewayFixture"/>, and
/// MQTT clients (MQTTnet, MQTT 3.1.1 over TLS) that trust the hub's CA and nothing else, as a device would.
/// </summary>
public sealed class MqttFixture : IDisposable
{
    public const string ApiVersion = "2021-04-12";

    private readonly List<IMqttClient> _clients = [];

    public MqttFixture(IReadOnlyDictionary<string, string>? settings = null)
    {
        // LocalHostFactory puts the device endpoints on free ports.
        Gateway = new GatewayFixture(new LocalHostFactory { Settings = settings ?? new Dictionary<string, string>() });
        Port = Services.GetRequiredService<MqttGateway>().Port;
        Ca = Services.GetRequiredService<LocalCertificateAuthority>().CaCertificate;
    }

    public GatewayFixture Gateway { get; }

    public IServiceProvider Services => Gateway.Factory.Services;

    public int Port { get; }

    public X509Certificate2 Ca { get; }

    public SqliteIngestionLog Log => Services.GetRequiredService<SqliteIngestionLog>();

    /// <summary>IoT Hub's user name for a device, as Microsoft's SDKs send it (with their client type).</summary>
    public static string UserName(string deviceId) => $"{GatewayFixture.Host}/{deviceId}/?api-version={ApiVersion}&DeviceClientType=iomt-tests%2F1.0";

    /// <summary>CONNECT options for a client (TLS trusting only the hub's CA, MQTT 3.1.1).</summary>
    public MqttClientOptions Options(string clientId, string userName, string? password, bool cleanSession = true) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Port)
            .WithClientId(clientId)
            .WithCredentials(userName, password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(cleanSession)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .WithTlsOptions(tls => tls.UseTls().WithTargetHost(GatewayFixture.Host).WithCertificateValidationHandler(e => LocalHubTrust.Accepts(Ca, e.Certificate, e.SslPolicyErrors)))
            .Build();

    /// <summary>A client (disposed with the fixture) that records what it receives.</summary>
    public (IMqttClient Client, Inbox Inbox) NewClient()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        _clients.Add(client);
        var inbox = new Inbox();
        client.ApplicationMessageReceivedAsync += inbox.ReceiveAsync;
        return (client, inbox);
    }

    /// <summary>Connects as a device with a SAS token signed with <paramref name="key"/>; fails the test unless accepted.</summary>
    public async Task<(IMqttClient Client, Inbox Inbox)> ConnectDeviceAsync(string deviceId, string key, bool cleanSession = true)
    {
        var (client, inbox) = NewClient();
        var result = await client.ConnectAsync(Options(deviceId, UserName(deviceId), GatewayFixture.SasFor(deviceId, key), cleanSession));
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return (client, inbox);
    }

    /// <summary>What the hub answered a CONNECT.</summary>
    public async Task<MqttClientConnectResultCode> TryConnectAsync(string clientId, string userName, string? password)
    {
        var (client, _) = NewClient();
        try
        {
            return (await client.ConnectAsync(Options(clientId, userName, password))).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e) when (e.InnerException is null)
        {
            return MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    public static async Task SubscribeAsync(IMqttClient client, string filter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, qos).Build());
        Assert.True(result.Items.Single().ResultCode <= MqttClientSubscribeResultCode.GrantedQoS2, $"SUBACK {result.Items.Single().ResultCode} for {filter}");
    }

    public static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string body, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(body)).WithQualityOfServiceLevel(qos).Build());

    /// <summary>Every message of the ingestion log (processed or not), oldest first.</summary>
    public async Task<IReadOnlyList<LoggedMessage>> LoggedAsync()
    {
        var all = new List<LoggedMessage>();
        for (var partition = 0; partition < SqliteIngestionLog.Partitions; partition++)
        {
            all.AddRange(await Log.ReadAsync(partition, 1000, after: 0));
        }

        return [.. all.OrderBy(m => m.Sequence)];
    }

    /// <summary>Waits (polling, up to 20 s) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Still not so after 20 s: {what}.");
    }

    /// <summary>A device's telemetry contract message with one SpO2 reading.</summary>
    public static string Telemetry(string deviceId, string messageId, double spo2)
    {
        var now = Core.Validation.Rfc3339.Format(DateTimeOffset.UtcNow.AddSeconds(-1));
        return $$"""{"schema":"iomt.telemetry/1","messageId":"{{messageId}}","deviceId":"{{deviceId}}","sentAt":"{{now}}","readings":[{"kind":"spo2","value":{{spo2}},"unit":"%","at":"{{now}}"}]}""";
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Gateway.Dispose();
    }

    /// <summary>What a client received, in order; <see cref="Acknowledge"/> false leaves PUBLISHes unacknowledged.</summary>
    public sealed class Inbox
    {
        private readonly Channel<MqttApplicationMessage> _messages = Channel.CreateUnbounded<MqttApplicationMessage>();

        public bool Acknowledge { get; set; } = true;

        public Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs e)
        {
            e.AutoAcknowledge = Acknowledge;
            _messages.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        }

        /// <summary>The next message on a topic starting with <paramref name="topicPrefix"/> (others are skipped); fails after 20 s.</summary>
        public async Task<MqttApplicationMessage> NextAsync(string topicPrefix)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(timeout.Token);
                if (message.Topic.StartsWith(topicPrefix, StringComparison.Ordinal))
                {
                    return message;
                }
            }
        }
    }
}
