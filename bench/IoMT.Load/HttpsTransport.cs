using System.Globalization;
using System.Net;
using IoMT.Client;

namespace IoMT.Load;

/// <summary>
/// IoT Hub's HTTPS device protocol (<c>POST …/devices/{id}/messages/events</c>) through <see cref="IoTHubDeviceClient"/>,
/// on the connections of <paramref name="http"/>'s pool; accepted is the gateway's 204. Statuses are the HTTP status
/// codes, <c>network</c> when no answer came.
/// </summary>
public sealed class HttpsTransport(HttpClient http, Uri gateway, string hubHostName) : ILoadTransport
{
    private readonly IoTHubDeviceClient _client = new(http, gateway, TimeProvider.System, hubHostName);
    private IReadOnlyList<DeviceConnection> _devices = [];

    public string Name => "https";

    public ConnectReport? Connections => null;

    public Task ConnectAsync(IReadOnlyList<DeviceConnection> devices, CancellationToken cancellationToken)
    {
        _devices = devices;
        return Task.CompletedTask;
    }

    public async Task<SendOutcome> SendAsync(int device, string messageId, string body, CancellationToken cancellationToken)
    {
        try
        {
            var status = await _client.SendEventAsync(_devices[device], messageId, body, cancellationToken);
            return status == HttpStatusCode.NoContent
                ? new SendOutcome(true, "204")
                : new SendOutcome(false, ((int)status).ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(false, "network");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
