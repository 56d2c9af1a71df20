using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Client;
using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Local.Tls;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;

namespace IoMT.Local.Tests;

/// <summary>MQTT over WebSockets on the devices' HTTPS endpoint (<c>wss://{host}/$iothub/websocket</c>), as Microsoft's MqttWs transports connect.</summary>
public sealed class MqttWebSocketTests
{
    [Fact]
    public async Task ConnectOverWss_OwnToken_PublishedMessageStored()
    {
        await using var host = await RunningHost.StartAsync();
        var directory = host.Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
        var maker = GatewayFixture.Token(directory, new LocalUser("acme", [Role.DeviceMaker], [], "Acme Medical"));
        using var api = new HttpClient { BaseAddress = host.Address };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", maker);
        (await api.PostAsJsonAsync("api/devices", new { id = "oximeter-ws", model = "PulseOx 2", kinds = new[] { "spo2" } })).EnsureSuccessStatusCode();
        var key = (string)(await api.GetFromJsonAsync<JsonObject>("api/devices/oximeter-ws/credentials"))!["primaryKey"]!;
        var endpoints = host.Services.GetRequiredService<DeviceEndpoints>();
        var ca = host.Services.GetRequiredService<LocalCertificateAuthority>().CaCertificate;
        using var client = new MqttClientFactory().CreateMqttClient();

        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithWebSocketServer(ws => ws.WithUri($"wss://localhost:{endpoints.HttpsPort}/$iothub/websocket"))
            .WithTlsOptions(tls => tls.UseTls().WithCertificateValidationHandler(e => LocalHubTrust.Accepts(ca, e.Certificate, e.SslPolicyErrors)))
            .WithClientId("oximeter-ws")
            .WithCredentials(MqttFixture.UserName("oximeter-ws"), GatewayFixture.SasFor("oximeter-ws", key))
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build());
        var sent = await MqttFixture.PublishAsync(client, "devices/oximeter-ws/messages/events/%24.mid=ws-1", MqttFixture.Telemetry("oximeter-ws", "ws-1", 96));
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());

        Assert.Equal(MqttClientConnectResultCode.Success, connected.ResultCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, sent.ReasonCode);
        var log = host.Services.GetRequiredService<SqliteIngestionLog>();
        var stored = await log.ReadAsync(SqliteIngestionLog.PartitionOf("oximeter-ws"), 100, after: 0);
        Assert.Contains(stored, m => m.DeviceId == "oximeter-ws" && m.MessageId == "ws-1");
    }
}
