using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IoMT.Core.Notifications;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

/// <summary>
/// Generic webhooks (<c>webhook:{name}</c>): a JSON body with headers <c>X-IoMT-Timestamp</c> (Unix seconds),
/// <c>Idempotency-Key</c> (the same on every retry and redelivery) and <c>X-IoMT-Signature: v1={hex}</c>, the
/// HMAC-SHA256 of <c>{timestamp}.{body}</c> with the webhook's secret (<see cref="WebhookSignature"/>).
/// </summary>
internal sealed class WebhookChannel(HttpClient http, IOptionsMonitor<NotificationOptions> options, TimeProvider time) : INotificationChannel
{
    private const string Prefix = "webhook:";

    public bool Serves(string channel) => JsonDelivery.NameOf(channel, Prefix) is { } name && options.CurrentValue.Webhooks.ContainsKey(name);

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var webhook = settings.Webhooks[JsonDelivery.NameOf(channel, Prefix)!];
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        return JsonDelivery.PostAsync(http, new Uri(webhook.Url), JsonDelivery.Describe(notification, settings.ConsoleUrl), (request, body) =>
        {
            request.Headers.Add("X-IoMT-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("Idempotency-Key", notification.Key);
            request.Headers.Add("X-IoMT-Signature", "v1=" + WebhookSignature.Compute(webhook.Secret, timestamp, body));
        }, cancellationToken);
    }
}

/// <summary>The webhook signature, for senders and receivers: hex HMAC-SHA256 of <c>{timestamp}.{body}</c>.</summary>
public static class WebhookSignature
{
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>
    /// Whether a received webhook is genuine and fresh: the signature matches (compared in constant time) and the
    /// timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>, so a captured request cannot be replayed later.
    /// </summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || signatureHeader is null || !signatureHeader.StartsWith("v1=", StringComparison.Ordinal)
            || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader[3..]));
    }
}
