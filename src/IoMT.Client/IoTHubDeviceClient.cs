using System.Collections.Concurrent;
using System.Net;
using System.Text;
using IoMT.Core.Devices;

namespace IoMT.Client;

/// <summary>
/// Sends device-to-cloud messages with IoT Hub's HTTPS protocol: <c>POST {gateway}/devices/{id}/messages/events</c>,
/// a shared access signature for <c>{host}/devices/{id}</c> signed with the device's key, the message id in
/// <c>iothub-messageid</c>. The same code talks to the local gateway and to an Azure IoT Hub.
/// </summary>
/// <param name="hubHostName">
/// The hub's host name, which tokens name; by default the gateway's host as the device SDKs take it (without a port),
/// and <c>localhost</c> for a loopback address (<c>http://127.0.0.1:5080</c>), the name the local hub always accepts.
/// </param>
public sealed class IoTHubDeviceClient(HttpClient http, Uri gateway, TimeProvider time, string? hubHostName = null)
{
    public const string ApiVersion = "2020-03-13";
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);

    /// <summary>The host name tokens name: the hub's (an IoT Hub's host name, or the local gateway's configured name).</summary>
    public string HostName { get; } = hubHostName ?? (gateway.IsLoopback ? "localhost" : gateway.IdnHost);

    public async Task<HttpStatusCode> SendEventAsync(DeviceConnection device, string messageId, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, $"devices/{Uri.EscapeDataString(device.DeviceId)}/messages/events?api-version={ApiVersion}"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Token(device));
        request.Headers.TryAddWithoutValidation("iothub-messageid", messageId);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    private string Token(DeviceConnection device)
    {
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(device.DeviceId, out var cached) && now < cached.RenewAt)
        {
            return cached.Token;
        }

        var token = SasToken.Create($"{HostName}/devices/{device.DeviceId}", device.Key, now + TokenLifetime);
        _tokens[device.DeviceId] = (token, now + (TokenLifetime * 0.8));
        return token;
    }
}
