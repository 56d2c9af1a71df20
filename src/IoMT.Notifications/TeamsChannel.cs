using System.Text.Json.Nodes;
using IoMT.Core.Notifications;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

/// <summary>
/// Microsoft Teams through a workflow webhook (<c>teams:{name}</c>; Teams' "When a Teams webhook request is received"
/// trigger): a message with one Adaptive Card holding the notification's text and, when configured, a link to the console.
/// </summary>
internal sealed class TeamsChannel(HttpClient http, IOptionsMonitor<NotificationOptions> options) : INotificationChannel
{
    private const string Prefix = "teams:";

    public bool Serves(string channel) => JsonDelivery.NameOf(channel, Prefix) is { } name && options.CurrentValue.Teams.ContainsKey(name);

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var url = settings.Teams[JsonDelivery.NameOf(channel, Prefix)!].Url;
        return JsonDelivery.PostAsync(http, new Uri(url), Card(notification, settings.ConsoleUrl), null, cancellationToken);
    }

    internal static JsonObject Card(Notification notification, string consoleUrl)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = notification.Text,
                ["wrap"] = true,
                ["weight"] = "Bolder",
                ["color"] = notification.Priority == Core.Alerts.AlertPriority.High ? "Attention" : "Default",
            },
            new JsonObject { ["type"] = "TextBlock", ["text"] = "For: " + string.Join(", ", notification.Recipients), ["wrap"] = true, ["isSubtle"] = true },
        };
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (JsonDelivery.Link(notification, consoleUrl) is { } link)
        {
            card["actions"] = new JsonArray { new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in IoMT.Cloud", ["url"] = link } };
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray { new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = card } },
        };
    }
}
