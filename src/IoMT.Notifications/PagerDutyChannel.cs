using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Notifications;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

/// <summary>
/// PagerDuty Events API v2 (<c>pagerduty:{name}</c>): an alert triggers an incident whose <c>dedup_key</c> is the
/// alert id, so every level, repeat and redelivery lands on the same incident, and acknowledging or resolving the
/// alert here acknowledges or resolves it there. Dose follow-ups trigger on the dose and resolve when it is taken late.
/// </summary>
internal sealed class PagerDutyChannel(HttpClient http, IOptionsMonitor<NotificationOptions> options) : INotificationChannel
{
    private const string Prefix = "pagerduty:";

    public bool Serves(string channel) => JsonDelivery.NameOf(channel, Prefix) is { } name && options.CurrentValue.PagerDuty.ContainsKey(name);

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var service = settings.PagerDuty[JsonDelivery.NameOf(channel, Prefix)!];
        return JsonDelivery.PostAsync(http, new Uri(service.Url), Event(notification, service.RoutingKey, settings.ConsoleUrl), null, cancellationToken);
    }

    internal static JsonObject Event(Notification notification, string routingKey, string consoleUrl)
    {
        var action = notification.Kind switch
        {
            NotificationKind.AlertAcknowledged => "acknowledge",
            NotificationKind.AlertResolved or NotificationKind.DoseTakenLate => "resolve",
            _ => "trigger",
        };
        var body = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = action,
            ["dedup_key"] = notification.Subject,
        };
        if (action == "trigger")
        {
            body["payload"] = new JsonObject
            {
                ["summary"] = notification.Text,
                ["source"] = "IoMT.Cloud",
                ["severity"] = notification.Priority switch { AlertPriority.High => "critical", AlertPriority.Medium => "error", _ => "warning" },
                ["timestamp"] = Core.Validation.Rfc3339.Format(notification.At),
                ["custom_details"] = new JsonObject { ["recipients"] = string.Join(", ", notification.Recipients), ["key"] = notification.Key },
            };
            if (JsonDelivery.Link(notification, consoleUrl) is { } link)
            {
                body["links"] = new JsonArray { new JsonObject { ["href"] = link, ["text"] = "Open in IoMT.Cloud" } };
            }
        }

        return body;
    }
}
