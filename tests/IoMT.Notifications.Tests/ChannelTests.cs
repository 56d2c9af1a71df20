using System.Net;
using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Notifications;
using IoMT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task Email_WithoutAccessKey_SignsInWithTheAppsEntraIdentity_ForCommunicationServices()
    {
        var handler = new StubHandler(HttpStatusCode.Accepted);
        var options = Options(o => o.Email = KeylessEmail());
        var identity = new IssuedTokens("entra-token");
        var channel = new CommunicationServicesChannel(new HttpClient(handler), options, new ManualClock(Now), identity);

        await channel.SendAsync("email", Sample(), CancellationToken.None);

        var request = handler.Requests.Single().Request;
        Assert.Equal("Bearer entra-token", Header(request, "Authorization"));
        Assert.Null(Header(request, "x-ms-content-sha256"));
        Assert.Equal(["https://communication.azure.com//.default"], identity.Scopes);
    }

    [Fact]
    public async Task Email_NeitherAccessKeyNorIdentity_IsPermanent_AndSendsNothing()
    {
        var handler = new StubHandler(HttpStatusCode.Accepted);
        var options = Options(o => o.Email = KeylessEmail());
        var channel = new CommunicationServicesChannel(new HttpClient(handler), options, new ManualClock(Now));

        var refused = await Assert.ThrowsAsync<PermanentDeliveryException>(() => channel.SendAsync("email", Sample(), CancellationToken.None));

        Assert.Contains("AccessKey", refused.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Email_ComposedLikeTheHosts_UsesTheRegisteredIdentity_OrRefusesWithoutOne(bool hostHasIdentity)
    {
        var handler = new StubHandler(HttpStatusCode.Accepted);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Notifications:Email:Endpoint"] = "https://contoso.communication.azure.com",
                ["Notifications:Email:Sender"] = "DoNotReply@contoso.azurecomm.net",
                ["Notifications:Email:Contacts:0:Recipient"] = "role:nurse",
                ["Notifications:Email:Contacts:0:Addresses:0"] = "nurse@example.org",
            }).Build());
        services.AddSingleton<TimeProvider>(new ManualClock(Now));
        services.AddIoMTNotifications();
        services.AddHttpClient<CommunicationServicesChannel>().ConfigurePrimaryHttpMessageHandler(() => handler);
        if (hostHasIdentity)
        {
            // As the Functions host registers its DefaultAzureCredential.
            services.AddSingleton<Azure.Core.TokenCredential>(new IssuedTokens("entra-token"));
        }

        using var provider = services.BuildServiceProvider();
        var channel = provider.GetServices<INotificationChannel>().OfType<CommunicationServicesChannel>().Single();
        var send = channel.SendAsync("email", Sample(), CancellationToken.None);

        if (hostHasIdentity)
        {
            await send;
            Assert.Equal("Bearer entra-token", Header(handler.Requests.Single().Request, "Authorization"));
        }
        else
        {
            await Assert.ThrowsAsync<PermanentDeliveryException>(() => send);
            Assert.Empty(handler.Requests);
        }
    }

    [Fact]
    public void Options_CommunicationServicesWithoutAccessKey_AreValid_TheAppsIdentitySignsIn()
    {
        var options = new NotificationOptions
        {
            Sms = new CommunicationServicesOptions { Endpoint = "https://x.communication.azure.com", Sender = "+15550100" },
        };

        Assert.Empty(options.Errors());
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

    /// <summary>E-mail through a Communication Services resource without an access key.</summary>
    private static CommunicationServicesOptions KeylessEmail() => new()
    {
        Endpoint = "https://contoso.communication.azure.com",
        Sender = "DoNotReply@contoso.azurecomm.net",
        Contacts = [new ContactOptions { Recipient = "role:nurse", Addresses = ["nurse@example.org"] }],
    };

    /// <summary>Stands in for the app's managed identity (Entra ID cannot be reached here): a token, and the scopes asked for.</summary>
    private sealed class IssuedTokens(string token) : Azure.Core.TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new Azure.Core.AccessToken(token, Now.AddHours(1));
        }

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
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
