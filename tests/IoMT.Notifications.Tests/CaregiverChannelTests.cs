using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Notifications.Tests;

/// <summary>The <c>caregiver</c> channel: the caregivers of the patient's profile, each by the ways they gave.</summary>
public sealed class CaregiverChannelTests
{
    private const string AccessKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private static readonly Notification MissedDose = new("p-1:metformin:20261121T070000000Z:DoseMissed:Caregiver", NotificationKind.DoseMissed, "p-1",
        "p-1:metformin:20261121T070000000Z", "metformin due 2026-11-21 07:00 UTC", AlertPriority.Low, ["caregiver:p-1"], ["caregiver"], Now);

    private static PatientRecord Patient(params PatientContact[] contacts) => new("p-1", ["ward-7"]) { DisplayName = "Ada Lovelace", Contacts = contacts };

    [Fact]
    public async Task Webhook_PostsTheNotificationJson_ToARealListener_WithoutTheProfilesIdentities()
    {
        await using var receiver = new HttpsReceiver();
        var grace = new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Webhook = receiver.Url.ToString(), Email = "grace@example.org" };
        var channel = Channel(new InMemoryPatientDirectory(Patient(grace)), receiver, allowPrivate: true);

        await channel.SendAsync("caregiver", MissedDose, CancellationToken.None);

        var request = await receiver.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("POST", "/caregiver", MissedDose.Key), (request.Method, request.Path, request.Headers["idempotency-key"]));
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers["x-iomt-timestamp"]);
        var json = JsonNode.Parse(request.Body)!;
        Assert.Equal(("doseMissed", "p-1", "caregiver:p-1"), ((string)json["kind"]!, (string)json["patientId"]!, (string)json["recipients"]![0]!));
        var text = Encoding.UTF8.GetString(request.Body);
        Assert.DoesNotContain("Grace", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_OnThisHostsNetwork_RefusedUnlessAllowed_NothingSent()
    {
        await using var receiver = new HttpsReceiver();
        var grace = new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Webhook = receiver.Url.ToString() };
        var channel = Channel(new InMemoryPatientDirectory(Patient(grace)), receiver, allowPrivate: false);

        var refused = await Assert.ThrowsAsync<PermanentDeliveryException>(() => channel.SendAsync("caregiver", MissedDose, CancellationToken.None));

        Assert.Contains("no public internet address", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("localhost", refused.Message, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Webhook_ServerError_IsTransient_AndNamesNoAddress()
    {
        await using var receiver = new HttpsReceiver { Answer = HttpStatusCode.ServiceUnavailable };
        var grace = new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Webhook = receiver.Url.ToString() };
        var channel = Channel(new InMemoryPatientDirectory(Patient(grace)), receiver, allowPrivate: true);

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => channel.SendAsync("caregiver", MissedDose, CancellationToken.None));

        Assert.Equal("Caregiver delivery failed: HTTP 503 from a caregiver's webhook", failed.Message);
    }

    [Fact]
    public async Task EmailAndSms_ThroughCommunicationServices_ToEachCaregiversAddress_NotToOtherContacts()
    {
        var acs = new StubHandler(HttpStatusCode.Accepted);
        var directory = new InMemoryPatientDirectory(Patient(
            new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Email = "grace@example.org", Sms = "+447700900123" },
            new PatientContact("Alan Turing", "son") { Caregiver = true, Email = "alan@example.org" },
            new PatientContact("Dr Who", "general practitioner") { Email = "gp@example.org" }));
        var channel = Channel(directory, null, allowPrivate: false, acs);

        await channel.SendAsync("caregiver", MissedDose, CancellationToken.None);

        var bodies = acs.Requests.ToDictionary(r => r.Request.RequestUri!.AbsolutePath, r => JsonNode.Parse(r.Body)!);
        Assert.Equal(["grace@example.org", "alan@example.org"], bodies["/emails:send"]["recipients"]!["to"]!.AsArray().Select(a => (string)a!["address"]!));
        Assert.Equal(["+447700900123"], bodies["/sms"]["smsRecipients"]!.AsArray().Select(a => (string)a!["to"]!));
        Assert.All(acs.Requests, r => Assert.StartsWith("HMAC-SHA256 ", r.Request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal));
        Assert.DoesNotContain("Grace", Encoding.UTF8.GetString(acs.Requests[0].Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCaregiverWithAWayThisHostCanUse_FailsAtOnce()
    {
        var acs = new StubHandler(HttpStatusCode.Accepted);
        var smsOnly = new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Sms = "+447700900123", Webhook = "http://grace.example.org/hook" };
        var channel = Channel(new InMemoryPatientDirectory(Patient(smsOnly)), null, allowPrivate: false, acs, sms: false);

        await Assert.ThrowsAsync<PermanentDeliveryException>(() => channel.SendAsync("caregiver", MissedDose, CancellationToken.None));

        Assert.Empty(acs.Requests);
        Assert.True(channel.Reaches("caregiver:p-1"));
        Assert.False(channel.Reaches("role:nurse"));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void IsPublic(string address, bool expected) => Assert.Equal(expected, PublicNetworks.IsPublic(IPAddress.Parse(address)));

    private static CaregiverChannel Channel(IPatientDirectory directory, HttpsReceiver? receiver, bool allowPrivate, StubHandler? acs = null, bool sms = true)
    {
        var options = ChannelTests.Options(o =>
        {
            o.CaregiverWebhooksMayUsePrivateNetworks = allowPrivate;
            o.Email = new CommunicationServicesOptions { Endpoint = "https://contoso.communication.azure.com", AccessKey = AccessKey, Sender = "iomt@contoso.org" };
            o.Sms = sms ? new CommunicationServicesOptions { Endpoint = "https://contoso.communication.azure.com", AccessKey = AccessKey, Sender = "+15550100" } : null;
        });
        var webhooks = new SocketsHttpHandler { ConnectCallback = PublicNetworks.Connector(() => options.CurrentValue.CaregiverWebhooksMayUsePrivateNetworks) };
        webhooks.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => receiver?.Trust(certificate) == true;
        var clock = new ManualClock(Now);
        return new CaregiverChannel(new HttpClient(webhooks), new CommunicationServicesChannel(new HttpClient(acs ?? new StubHandler(HttpStatusCode.Accepted)), options, clock),
            directory, options, clock);
    }
}
