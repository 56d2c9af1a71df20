using System.Net;
using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Notifications;
using IoMT.Testing;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications.Tests;

public sealed class ChannelTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);

    public static Notification Sample(NotificationKind kind = NotificationKind.AlertTriggered, params string[] channels) =>
        new("p-1:spo2-low:20261121T070000000Z:0001", kind, "p-1", "p-1:spo2-low:20261121T070000000Z", "SpO2 low", AlertPriority.High,
            ["role:nurse"], channels.Length == 0 ? ["webhook:ward"] : channels, Now);

    [Fact]
    public void WebhookSignature_KnownVector_AndVerifyRejectsTamperingAndReplay()
    {
        var secret = new string('s', 32);
        var body = """{"a":1}"""u8.ToArray();

        var signature = WebhookSignature.Compute(secret, 1790000000, body);

        Assert.Equal("f07789238a7ca8f8dfe27337868994d89b984c9a144079433d5d061c8c191249", signature);
        var at = DateTimeOffset.FromUnixTimeSeconds(1790000000);
        Assert.True(WebhookSignature.Verify(secret, "1790000000", "v1=" + signature, body, at.AddMinutes(1), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, "1790000000", "v1=" + signature, """{"a":2}"""u8, at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, "1790000000", "v1=" + signature, body, at.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Webhook_SendsSignedBodyWithIdempotencyKey()
    {
        var handler = new StubHandler(HttpStatusCode.OK);
        var options = Options(o => o.Webhooks["ward"] = new WebhookOptions { Url = "https://hooks.example.org/iomt", Secret = new string('k', 40) });
        var channel = new WebhookChannel(new HttpClient(handler), options, new ManualClock(Now));

        await channel.SendAsync("webhook:ward", Sample(), CancellationToken.None);

        var (request, body) = Assert.Single(handler.Requests);
        Assert.True(WebhookSignature.Verify(new string('k', 40), Header(request, "X-IoMT-Timestamp"), Header(request, "X-IoMT-Signature"), body, Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(Sample().Key, Header(request, "Idempotency-Key"));
        var json = JsonNode.Parse(body)!;
        Assert.Equal(("alertTriggered", "high", "p-1"), ((string)json["kind"]!, (string)json["priority"]!, (string)json["patientId"]!));
        Assert.False(channel.Serves("webhook:other"));
    }

    [Fact]
    public void CommunicationServicesSigner_KnownVector()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://contoso.communication.azure.com/sms?api-version=2021-03-07");

        CommunicationServicesSigner.Sign(request, "{}"u8, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", Now);

        Assert.Equal("Sat, 21 Nov 2026 07:00:00 GMT", Header(request, "x-ms-date"));
        Assert.Equal("RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=", Header(request, "x-ms-content-sha256"));
        Assert.Equal("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=IsrYfI3KVpEkpW41V/R9A6ZWWqUzCa9zXGtu3ijf14M=",
            Header(request, "Authorization"));
    }

    [Fact]
    public async Task Sms_OneRecipientPerContact_SameRepeatabilityIdOnRedelivery_NoContactIsPermanent()
    {
        var handler = new StubHandler(HttpStatusCode.Accepted);
        var options = Options(o => o.Sms = new CommunicationServicesOptions
        {
            Endpoint = "https://contoso.communication.azure.com",
            AccessKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=",
            Sender = "+15550100",
            Contacts = [new ContactOptions { Recipient = "role:nurse", Addresses = ["+15550101", "+15550102"] }],
        });
        var channel = new CommunicationServicesChannel(new HttpClient(handler), options, new ManualClock(Now));

        await channel.SendAsync("sms", Sample(), CancellationToken.None);
        await channel.SendAsync("sms", Sample(), CancellationToken.None);
        var nobody = Sample() with { Recipients = ["role:physician"] };

        await Assert.ThrowsAsync<PermanentDeliveryException>(() => channel.SendAsync("sms", nobody, CancellationToken.None));
        var first = JsonNode.Parse(handler.Requests[0].Body)!["smsRecipients"]!.AsArray();
        var second = JsonNode.Parse(handler.Requests[1].Body)!["smsRecipients"]!.AsArray();
        Assert.Equal(["+15550101", "+15550102"], first.Select(r => (string)r!["to"]!));
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal("/sms?api-version=2021-03-07", handler.Requests[0].Request.RequestUri!.PathAndQuery);
        Assert.StartsWith("HMAC-SHA256 ", Header(handler.Requests[0].Request, "Authorization"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NotificationKind.AlertTriggered, "trigger")]
    [InlineData(NotificationKind.AlertAcknowledged, "acknowledge")]
    [InlineData(NotificationKind.AlertResolved, "resolve")]
    public void PagerDuty_ActionFollowsTheAlert_DedupKeyIsTheAlertId(NotificationKind kind, string action)
    {
        var body = PagerDutyChannel.Event(Sample(kind), "routing-key", "https://iomt.example.org");

        Assert.Equal((action, "p-1:spo2-low:20261121T070000000Z"), ((string)body["event_action"]!, (string)body["dedup_key"]!));
        Assert.Equal(kind == NotificationKind.AlertTriggered ? "critical" : null, (string?)body["payload"]?["severity"]);
    }

    [Fact]
    public void Teams_CardLinksToTheAlert()
    {
        var card = TeamsChannel.Card(Sample(), "https://iomt.example.org/");

        var content = card["attachments"]![0]!["content"]!;
        Assert.Equal("AdaptiveCard", (string)content["type"]!);
        Assert.Equal("https://iomt.example.org/#/alerts/p-1%3Aspo2-low%3A20261121T070000000Z", (string)content["actions"]![0]!["url"]!);
    }

    [Fact]
    public void Options_InvalidChannels_AreAllNamed()
    {
        var options = new NotificationOptions
        {
            Webhooks = { ["ward"] = new WebhookOptions { Url = "http://plain.example.org", Secret = "short" } },
            PagerDuty = { ["oncall"] = new PagerDutyOptions() },
            Email = new CommunicationServicesOptions { Endpoint = "https://x.communication.azure.com", AccessKey = "not base64!", Sender = "" },
        };

        Assert.Equal(
            [
                "Notifications:Webhooks:ward:Url must be an absolute https URL.",
                "Notifications:Webhooks:ward:Secret must be at least 32 characters.",
                "Notifications:PagerDuty:oncall:RoutingKey is required.",
                "Notifications:Email:AccessKey must be the resource's base64 access key.",
                "Notifications:Email:Sender is required (a verified sender address, or a phone number in E.164).",
            ],
            options.Errors());
    }

    internal static IOptionsMonitor<NotificationOptions> Options(Action<NotificationOptions> configure)
    {
        var options = new NotificationOptions { RetryDelay = TimeSpan.Zero };
        configure(options);
        return new Fixed(options);
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private sealed class Fixed(NotificationOptions value) : IOptionsMonitor<NotificationOptions>
    {
        public NotificationOptions CurrentValue => value;

        public NotificationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<NotificationOptions, string?> listener) => null;
    }
}
