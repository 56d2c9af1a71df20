using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Local.Workflows;
using IoMT.Notifications;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>
/// The running host tells the caregivers the patient's profile names (set through the API) of a missed dose through
/// their own addresses: here a webhook, a real HTTPS listener on this machine (allowed by
/// <c>Notifications:CaregiverWebhooksMayUsePrivateNetworks</c>).
/// </summary>
public sealed class CaregiverFollowUpTests : IAsyncDisposable
{
    private readonly HttpsReceiver _receiver = new();

    [Fact]
    public async Task MissedDose_TheCaregiversWebhookReceivesIt_DeliveryRecorded()
    {
        using var gateway = Gateway();
        await SaveProfileAsync(gateway, new
        {
            careTeams = new[] { "ward-7" },
            contacts = new[] { new { name = "Grace Hopper", relation = "daughter", caregiver = true, webhook = _receiver.Url.ToString() } },
        });

        var scheduled = await SaveScheduleWithMissedDoseAsync(gateway);
        var request = await _receiver.NextAsync(TimeSpan.FromSeconds(30));
        var key = $"patient-1:metformin:{Core.Validation.Rfc3339.Format(scheduled)}:DoseMissed:Caregiver";
        var record = Assert.Single(await gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Notification && Outcome(r).Channel == CaregiverReach.Channel));

        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("doseMissed", "caregiver:patient-1", key), ((string)body["kind"]!, (string)body["recipients"]![0]!, request.Headers["idempotency-key"]));
        Assert.Equal((DeliveryStatus.Delivered, key), (Outcome(record).Status, Outcome(record).Key));
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task MissedDose_NoCaregiverInTheProfile_UndeliverableWithTheReason_CoordinatorToldAtOnce()
    {
        using var gateway = Gateway();
        await SaveProfileAsync(gateway, new
        {
            careTeams = new[] { "ward-7" },
            contacts = new[] { new { name = "Dr Who", relation = "general practitioner", caregiver = false, webhook = _receiver.Url.ToString() } },
        });

        await SaveScheduleWithMissedDoseAsync(gateway);
        var caregiver = await gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Notification && Outcome(r).Recipients.Contains("caregiver:patient-1"), 2);
        var coordinator = await gateway.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.Notification && Outcome(r).Recipients.Contains("role:care-coordinator"));

        Assert.Equal(["caregiver", "console"], caregiver.Select(r => Outcome(r).Channel).Order(StringComparer.Ordinal));
        Assert.All(caregiver, r => Assert.Equal(DeliveryStatus.Undeliverable, Outcome(r).Status));
        Assert.Contains("the patient's profile names no caregiver", Outcome(caregiver[0]).Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Delivered, Outcome(Assert.Single(coordinator)).Status);
        Assert.Empty(_receiver.Requests);
    }

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private GatewayFixture Gateway() => new(new LocalHostFactory
    {
        Settings = new Dictionary<string, string> { ["Notifications:CaregiverWebhooksMayUsePrivateNetworks"] = "true" },
        ReplaceServices = services => services.AddHttpClient(CaregiverLookup.HttpClientName)
            .UseSocketsHttpHandler((handler, _) => handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => _receiver.Trust(certificate)),
    });

    private static async Task SaveProfileAsync(GatewayFixture gateway, object profile)
    {
        var admin = File.ReadAllText(Path.Combine(gateway.Factory.DataDirectory, "admin.token")).Trim();
        using var saved = await gateway.SendAsync(HttpMethod.Put, "/api/patients/patient-1", admin, profile);
        saved.EnsureSuccessStatusCode();
    }

    /// <summary>A metformin schedule whose dose 150 minutes ago is missed now (its grace period ended 30 minutes ago).</summary>
    private static async Task<DateTimeOffset> SaveScheduleWithMissedDoseAsync(GatewayFixture gateway)
    {
        var now = DateTimeOffset.UtcNow;
        var scheduled = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-150);
        await gateway.Factory.Services.GetRequiredService<LocalWorkflowEngine>().SaveAsync(new MedicationSchedule
        {
            PatientId = "patient-1",
            MedicationId = "metformin",
            TimesOfDay = [TimeOnly.FromDateTime(scheduled.UtcDateTime)],
            EffectiveFrom = now.AddHours(-3),
        });
        return scheduled;
    }

    private static DeliveryOutcome Outcome(TimelineRecord record) => WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
}
