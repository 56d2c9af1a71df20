using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Client;

/// <summary>
/// Registers a device through DPS's HTTPS protocol with a key derived from its enrollment group's key:
/// <c>PUT {dps}/{idScope}/registrations/{id}/register</c>, then polls the operation until it is assigned.
/// </summary>
public sealed class DpsDeviceClient(HttpClient http, Uri provisioning, TimeProvider time)
{
    public const string ApiVersion = "2021-10-01";

    /// <summary>The assigned hub and device id.</summary>
    public async Task<(string AssignedHub, string DeviceId)> RegisterAsync(string idScope, string registrationId, string derivedKey, CancellationToken cancellationToken)
    {
        var token = SasToken.Create($"{idScope}/registrations/{registrationId}", derivedKey, time.GetUtcNow().AddHours(1), DeviceGateway.DpsKeyName);
        var path = $"{Uri.EscapeDataString(idScope)}/registrations/{Uri.EscapeDataString(registrationId)}";
        using var register = new HttpRequestMessage(HttpMethod.Put, new Uri(provisioning, $"{path}/register?api-version={ApiVersion}"))
        {
            Content = JsonContent.Create(new { registrationId }),
        };
        register.Headers.TryAddWithoutValidation("Authorization", token);
        var status = await SendAsync(register, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; (string?)status["status"] == "assigning" && attempt < 30; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(attempt == 0 ? 0.2 : 1), time, cancellationToken).ConfigureAwait(false);
            using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(provisioning, $"{path}/operations/{Uri.EscapeDataString((string)status["operationId"]!)}?api-version={ApiVersion}"));
            poll.Headers.TryAddWithoutValidation("Authorization", token);
            status = await SendAsync(poll, cancellationToken).ConfigureAwait(false);
        }

        return (string?)status["status"] == "assigned" && status["registrationState"] is JsonObject state
            ? ((string)state["assignedHub"]!, (string)state["deviceId"]!)
            : throw new HttpRequestException($"DPS did not assign '{registrationId}': status '{status["status"]}'.");
    }

    private async Task<JsonObject> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode && JsonNode.Parse(body) is JsonObject json
            ? json
            : throw new HttpRequestException($"DPS answered {(int)response.StatusCode}: {body}");
    }
}
