using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using IoMT.Core.Notifications;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

/// <summary>
/// E-mail (<c>email</c>) and SMS (<c>sms</c>) through the Azure Communication Services REST API, each request signed
/// with the resource's access key when one is configured (<see cref="CommunicationServicesSigner"/>), otherwise sent with
/// a token of the app's own Entra identity (in Azure, its managed identity). Recipients are looked up in the
/// channel's contacts; a notification for nobody with an address fails at once (a configuration error, not retried).
/// Redeliveries carry the same operation or repeatability id, derived from the notification's key.
/// </summary>
internal sealed class CommunicationServicesChannel(
    HttpClient http, IOptionsMonitor<NotificationOptions> options, TimeProvider time, TokenCredential? identity = null) : INotificationChannel
{
    /// <summary>Communication Services' Entra scope (the double slash is the service's own).</summary>
    public static readonly TokenRequestContext Scope = new(["https://communication.azure.com//.default"]);

    public const string EmailApi = "/emails:send?api-version=2023-03-31";
    public const string SmsApi = "/sms?api-version=2021-03-07";

    public bool Serves(string channel) => channel switch
    {
        "email" => options.CurrentValue.Email is not null,
        "sms" => options.CurrentValue.Sms is not null,
        _ => false,
    };

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        var acs = (channel == "email" ? options.CurrentValue.Email : options.CurrentValue.Sms)!;
        var addresses = acs.AddressesOf(notification.Recipients);
        if (addresses.Count == 0)
        {
            // The recipients are in the delivery's record; the message (also logged) names none of them.
            throw new PermanentDeliveryException($"No {channel} contact configured for any recipient.");
        }

        return SendToAsync(channel, notification, addresses, cancellationToken);
    }

    /// <summary>Sends <paramref name="notification"/> by <c>email</c> or <c>sms</c> (<paramref name="channel"/>, configured) to <paramref name="addresses"/>.</summary>
    public async Task SendToAsync(string channel, Notification notification, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var isEmail = channel == "email";
        var acs = (isEmail ? settings.Email : settings.Sms)!;
        var token = string.IsNullOrEmpty(acs.AccessKey) ? await IdentityTokenAsync(isEmail ? "Email" : "Sms", cancellationToken).ConfigureAwait(false) : null;
        var text = JsonDelivery.Link(notification, settings.ConsoleUrl) is { } link ? $"{notification.Text}\n{link}" : notification.Text;
        var url = new Uri(acs.Endpoint.TrimEnd('/') + (isEmail ? EmailApi : SmsApi));
        var body = isEmail ? Email(notification, acs.Sender, addresses, text) : Sms(notification, acs.Sender, addresses, text);
        var now = time.GetUtcNow();
        await JsonDelivery.PostAsync(http, url, body, (request, bytes) =>
        {
            if (isEmail)
            {
                request.Headers.Add("Operation-Id", RepeatabilityId(notification.Key, "email").ToString());
            }

            if (token is null)
            {
                CommunicationServicesSigner.Sign(request, bytes, acs.AccessKey, now);
            }
            else
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A token of the host's Entra identity for Communication Services; without one, the channel cannot send.</summary>
    private async Task<string> IdentityTokenAsync(string section, CancellationToken cancellationToken) =>
        identity is null
            ? throw new PermanentDeliveryException($"Notifications:{section} has no AccessKey, and this host has no Entra identity to sign in with.")
            : (await identity.GetTokenAsync(Scope, cancellationToken).ConfigureAwait(false)).Token;

    internal static JsonObject Email(Notification notification, string sender, IReadOnlyList<string> addresses, string text) => new()
    {
        ["senderAddress"] = sender,
        ["content"] = new JsonObject { ["subject"] = notification.Text, ["plainText"] = text },
        ["recipients"] = new JsonObject { ["to"] = new JsonArray([.. addresses.Select(a => (JsonNode)new JsonObject { ["address"] = a })]) },
    };

    internal static JsonObject Sms(Notification notification, string sender, IReadOnlyList<string> numbers, string text) => new()
    {
        ["from"] = sender,
        ["smsRecipients"] = new JsonArray([.. numbers.Select(n => (JsonNode)new JsonObject
        {
            ["to"] = n,
            ["repeatabilityRequestId"] = RepeatabilityId(notification.Key, n).ToString(),
            ["repeatabilityFirstSent"] = notification.At.UtcDateTime.ToString("R", CultureInfo.InvariantCulture),
        })]),
        ["message"] = text,
        ["smsSendOptions"] = new JsonObject { ["enableDeliveryReport"] = false },
    };

    /// <summary>A GUID that is the same for the same notification and address on every attempt and redelivery.</summary>
    internal static Guid RepeatabilityId(string key, string address) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(key + "\n" + address)).AsSpan(0, 16));
}

/// <summary>
/// Azure Communication Services access-key authentication: HMAC-SHA256, with the base64-decoded key, of
/// <c>{METHOD}\n{path and query}\n{x-ms-date};{host};{x-ms-content-sha256}</c>, sent with those two headers.
/// </summary>
public static class CommunicationServicesSigner
{
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, string accessKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var date = now.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        var toSign = $"{request.Method.Method}\n{request.RequestUri.PathAndQuery}\n{date};{request.RequestUri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(accessKey), Encoding.UTF8.GetBytes(toSign)));
        request.Headers.Add("x-ms-date", date);
        request.Headers.Add("x-ms-content-sha256", contentHash);
        request.Headers.TryAddWithoutValidation("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature);
    }
}
