using System.Net;
using IoMT.Client.Simulation;
using IoMT.Core.Devices;

namespace IoMT.Client.Tests;

public class ClientTests
{
    [Fact]
    public void DeviceConnection_IotHubConnectionString_Parsed()
    {
        var connection = DeviceConnection.Parse("HostName=my-hub.azure-devices.net;DeviceId=oximeter-1;SharedAccessKey=a2V5a2V5a2V5a2V5a2V5aw==");

        Assert.Equal(new DeviceConnection("oximeter-1", "my-hub.azure-devices.net", "a2V5a2V5a2V5a2V5a2V5aw=="), connection);
        Assert.Null(DeviceConnection.Parse("HostName=h;DeviceId=d"));
    }

    [Fact]
    public async Task SendEvent_IotHubProtocol_PathTokenForTheGatewayHostAndMessageId()
    {
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var key = DpsKeys.NewKey();
        var client = new IoTHubDeviceClient(http, new Uri("https://my-hub.azure-devices.net/"), TimeProvider.System);

        var status = await client.SendEventAsync(new DeviceConnection("ox 1", "ignored", key), "m-1", "{}", CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("https://my-hub.azure-devices.net/devices/ox%201/messages/events?api-version=2020-03-13", request.Uri.AbsoluteUri);
        Assert.Equal("m-1", request.MessageId);
        var token = SasToken.Parse(request.Authorization)!;
        Assert.Equal(SasTokenError.None, token.Validate("my-hub.azure-devices.net/devices/ox 1", [key], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task SendEvent_LoopbackGateway_TokenForLocalhostNotTheAddress()
    {
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var key = DpsKeys.NewKey();
        var client = new IoTHubDeviceClient(http, new Uri("http://127.0.0.1:5080/"), TimeProvider.System);

        await client.SendEventAsync(new DeviceConnection("ox-1", "ignored", key), "m-1", "{}", CancellationToken.None);

        var token = SasToken.Parse(Assert.Single(handler.Requests).Authorization)!;
        Assert.Equal(SasTokenError.None, token.Validate("localhost/devices/ox-1", [key], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Runner_ThreeSeconds_EveryDeviceSendsAndEveryAnswerIsCounted()
    {
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var plan = SimulationPlan.Create(new SimulationOptions(3, [Scenarios.Normal, Scenarios.Hypoglycemia], TimeSpan.FromMinutes(2)));
        var devices = plan.Devices.Select(d => (d, new DeviceConnection(d.DeviceId, "h", DpsKeys.NewKey()))).ToList();
        var runner = new SimulationRunner(new IoTHubDeviceClient(http, new Uri("http://127.0.0.1:5080/"), TimeProvider.System), TimeProvider.System);

        var stats = await runner.RunAsync(devices, rate: null, TimeSpan.FromSeconds(6), progress: null, CancellationToken.None);

        Assert.Equal(["sim-patient-001-monitor", "sim-patient-002-cgm", "sim-patient-002-monitor", "sim-patient-003-monitor"],
            handler.Requests.Select(r => r.Uri.Segments[2].TrimEnd('/')).Distinct().Order());
        Assert.Equal((handler.Requests.Count, handler.Requests.Count, 0), (stats.Sent, stats.Accepted, stats.Failed));
        Assert.Equal(handler.Requests.Count, handler.Requests.Select(r => r.MessageId).Distinct().Count());
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization, string? MessageId)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add((request.RequestUri!, request.Headers.TryGetValues("Authorization", out var a) ? a.Single() : null,
                    request.Headers.TryGetValues("iothub-messageid", out var m) ? m.Single() : null));
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }
}
