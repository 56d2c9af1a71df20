using System.Net.Http.Headers;
using System.Text.Json;

namespace IoMT.Load;

/// <summary>Listens to the live feed (<c>GET /api/live</c>, what the console shows) and reports each notification's patient as it arrives.</summary>
public sealed class NotificationWatch(HttpClient http, Uri host, string token, Action<string, long> notified)
{
    public async Task RunAsync(TaskCompletionSource connected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host, "api/live"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        connected.TrySetResult();
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var at = Clock.Now;
                    using var notification = JsonDocument.Parse(line.AsMemory(6));
                    notified(notification.RootElement.GetProperty("patientId").GetString()!, at);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }
}
