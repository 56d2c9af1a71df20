using System.Text.Json.Nodes;
using IoMT.Core.Notifications;

namespace IoMT.Notifications;

/// <summary>One kind of channel (webhooks, Teams, PagerDuty…): delivers a notification to one of its named channels, or throws.</summary>
public interface INotificationChannel
{
    /// <summary>Whether <paramref name="channel"/> (e.g. <c>webhook:ward-7</c>) is one of this kind's configured channels.</summary>
    bool Serves(string channel);

    /// <summary>Whether this kind of channel can reach <paramref name="recipient"/> (e.g. <c>caregiver:p-1</c>); the console reaches the care team only.</summary>
    bool Reaches(string recipient) => true;

    Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken);
}

/// <summary>
/// A channel that queues a notification for devices instead of handing it to a receiver (the <c>device</c> channel):
/// the dispatcher records it as queued, not delivered, and leaves the record to the channel, which changes it when the
/// devices settle their messages.
/// </summary>
public interface IQueuingNotificationChannel : INotificationChannel
{
    /// <summary>Queues <paramref name="notification"/> for the devices that can act on it; <see cref="PermanentDeliveryException"/> when none can.</summary>
    Task<IReadOnlyList<DeviceDelivery>> QueueAsync(string channel, Notification notification, CancellationToken cancellationToken);

    /// <summary>Records the queued delivery on the patient's timeline, and follows it until the devices settle it.</summary>
    Task RecordQueuedAsync(string patientId, DeliveryOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>The receiver refused the delivery in a way retrying cannot fix (a 4xx answer other than 408 and 429, no contact address).</summary>
public sealed class PermanentDeliveryException(string message) : Exception(message);

/// <summary>Posting JSON to a receiver and judging its answer: 2xx delivered, 408/429/5xx transient (retried), other 4xx permanent.</summary>
internal static class JsonDelivery
{
    /// <param name="receiver">How failures name the receiver (default: the URL's host).</param>
    public static async Task PostAsync(
        HttpClient http, Uri url, JsonNode body, Action<HttpRequestMessage, byte[]>? decorate, CancellationToken cancellationToken, string? receiver = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        decorate?.Invoke(request, bytes);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return;
        }

        // Only the status: receivers' answers may echo the message.
        var message = $"HTTP {status} from {receiver ?? url.Host}";
        throw status is 408 or 429 or >= 500 ? new HttpRequestException(message, null, response.StatusCode) : new PermanentDeliveryException(message);
    }

    /// <summary>The name after the kind's prefix, when <paramref name="channel"/> has that prefix (<c>webhook:ward-7</c> → <c>ward-7</c>).</summary>
    public static string? NameOf(string channel, string prefix) =>
        channel.StartsWith(prefix, StringComparison.Ordinal) && channel.Length > prefix.Length ? channel[prefix.Length..] : null;

    public static JsonObject Describe(Notification notification, string consoleUrl) => new()
    {
        ["key"] = notification.Key,
        ["kind"] = CamelCase(notification.Kind.ToString()),
        ["subject"] = notification.Subject,
        ["patientId"] = notification.PatientId,
        ["title"] = notification.Title,
        ["priority"] = CamelCase(notification.Priority.ToString()),
        ["recipients"] = new JsonArray([.. notification.Recipients.Select(r => (JsonNode)r)]),
        ["at"] = Core.Validation.Rfc3339.Format(notification.At),
        ["text"] = notification.Text,
        ["link"] = Link(notification, consoleUrl),
    };

    /// <summary>Where the console shows the alert (or the patient's adherence), when the console's address is configured.</summary>
    public static string? Link(Notification notification, string consoleUrl) =>
        string.IsNullOrEmpty(consoleUrl) ? null
        : notification.Kind is NotificationKind.DoseMissed or NotificationKind.DoseTakenLate
            ? $"{consoleUrl.TrimEnd('/')}/#/patients/{Uri.EscapeDataString(notification.PatientId)}"
            : $"{consoleUrl.TrimEnd('/')}/#/alerts/{Uri.EscapeDataString(notification.Subject)}";

    private static string CamelCase(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
