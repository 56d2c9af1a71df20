using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using IoMT.Core.Workflows;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

public sealed class DeviceRemindersTests
{
    private static readonly DateTimeOffset Due = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly MedicationSchedule Metformin = new()
    {
        PatientId = "p-1",
        MedicationId = "metformin",
        TimesOfDay = [new TimeOnly(8, 0), new TimeOnly(20, 0)],
        EffectiveFrom = Due.AddDays(-1),
    };

    [Fact]
    public void FollowUp_PatientReminder_CarriesTheDoseUntilTheGracePeriodEnds()
    {
        var notification = FollowUp(FollowUpTarget.Patient);

        Assert.Equal(new NotificationDose("metformin", MedicationKind.Scheduled, Due, FollowUpTarget.Patient, Due.AddHours(2)), notification.Dose);
    }

    [Fact]
    public void FollowUp_CaregiverMissedDose_RespondByTheNextDose()
    {
        var notification = FollowUp(FollowUpTarget.Caregiver);

        Assert.Equal(Due.AddHours(12), notification.Dose!.RespondBy);
    }

    [Fact]
    public void Request_PatientReminder_SmallPayloadWithoutPatientCorrelatedAndLivingUntilTheDoseIsMissed()
    {
        var notification = FollowUp(FollowUpTarget.Patient);
        var now = Due.AddHours(1);

        var (request, refusal) = DeviceReminders.Request(notification, "device", now);

        Assert.Null(refusal);
        var payload = JsonNode.Parse(request!.Payload!.Value.GetRawText())!.AsObject();
        Assert.Equal(["type", "kind", "medicationId", "dueAt", "respondBy"], payload.Select(p => p.Key));
        Assert.Equal(("medication-reminder", "reminder", "metformin", "2026-03-02T08:00:00Z"),
            ((string?)payload["type"], (string?)payload["kind"], (string?)payload["medicationId"], (string?)payload["dueAt"]));
        Assert.DoesNotContain("p-1", payload.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(3600, request.TtlSeconds);
        Assert.Equal(DeviceReminders.CorrelationId(notification.Key, "device"), request.CorrelationId);
        Assert.Equal(("medication-reminder", "reminder", "metformin"), (request.Properties!["type"], request.Properties["kind"], request.Properties["medicationId"]));
        Assert.True(CloudToDeviceRules.Validate(request, "d-1", "m-1", DeviceReminders.Actor, now).IsSuccess);
    }

    [Fact]
    public void Request_CaregiverFollowUp_KindMissedDose()
    {
        var (request, _) = DeviceReminders.Request(FollowUp(FollowUpTarget.Caregiver), "device", Due.AddHours(2));

        Assert.Equal("missed-dose", (string?)JsonNode.Parse(request!.Payload!.Value.GetRawText())!["kind"]);
    }

    [Fact]
    public void Request_AlertOrTimePassed_RefusedWithTheReason()
    {
        var alert = new Notification("k", NotificationKind.AlertTriggered, "p-1", "al-1", "SpO2 low", AlertPriority.High, ["role:nurse"], ["device"], Due);

        var (forAlert, alertRefusal) = DeviceReminders.Request(alert, "device", Due);
        var (late, lateRefusal) = DeviceReminders.Request(FollowUp(FollowUpTarget.Patient), "device", Due.AddHours(3));

        Assert.Equal((null, null), (forAlert, late));
        Assert.Contains("medication reminders", alertRefusal, StringComparison.Ordinal);
        Assert.Contains("has passed", lateRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_OneDeviceCompleted_Delivered()
    {
        var queued = Queued("d-1", "d-2");
        var completed = Message("d-1", CloudToDeviceStatus.Completed, Due.AddMinutes(65));

        var settled = DeviceReminders.Settle(queued, [completed, Message("d-2", CloudToDeviceStatus.Queued, null)]);

        Assert.Equal(DeliveryStatus.Delivered, settled.Status);
        Assert.Equal(new DeviceDelivery("d-1", "m-d-1", CloudToDeviceStatus.Completed, Due.AddMinutes(65)), settled.Devices![0]);
    }

    [Fact]
    public void Settle_RejectedAndGone_FailedNamingEachDevice()
    {
        var settled = DeviceReminders.Settle(Queued("d-1", "d-2"), [Message("d-1", CloudToDeviceStatus.Rejected, Due.AddMinutes(61)), null]);

        Assert.Equal(DeliveryStatus.Failed, settled.Status);
        Assert.StartsWith("rejected by device d-1 at 2026-03-02T09:01:00Z; not completed before it expired by device d-2", settled.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_StillQueued_Queued()
    {
        var queued = Queued("d-1");

        var settled = DeviceReminders.Settle(queued, [Message("d-1", CloudToDeviceStatus.Delivered, null)]);

        Assert.Equal(DeliveryStatus.Queued, settled.Status);
        Assert.True(DeviceReminders.SameAs(settled, DeviceReminders.Settle(queued, [Message("d-1", CloudToDeviceStatus.Delivered, null)])));
    }

    [Fact]
    public async Task Recorder_DeviceCompletes_RecordReplacedByTheCompletion()
    {
        var (recorder, queue, timeline, clock) = Recorder();
        var message = await EnqueueAsync(queue, clock, "d-1", "k-1");
        await recorder.RecordQueuedAsync("p-1", Queued("d-1") with { Key = "k-1", Devices = [new DeviceDelivery("d-1", message.MessageId, CloudToDeviceStatus.Queued)] });
        var queuedStatus = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(timeline.All).Data).Status;

        var received = await queue.ReceiveAsync("d-1", clock.GetUtcNow());
        var settled = await queue.SettleAsync("d-1", received!.LockToken!, CloudToDeviceSettlement.Complete, clock.GetUtcNow());
        await recorder.SettledAsync(settled.Value!);

        var record = Assert.Single(timeline.All);
        Assert.Equal((DeliveryStatus.Queued, DeviceReminders.CorrelationId("k-1", "device")), (queuedStatus, record.Id));
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
        Assert.Equal((DeliveryStatus.Delivered, CloudToDeviceStatus.Completed), (outcome.Status, outcome.Devices!.Single().Status));
    }

    [Fact]
    public async Task Recorder_MessageExpires_RefreshRecordsItFailed_ThenNothingMore()
    {
        var (recorder, queue, timeline, clock) = Recorder();
        var message = await EnqueueAsync(queue, clock, "d-1", "k-1");
        await recorder.RecordQueuedAsync("p-1", Queued("d-1") with { Key = "k-1", Devices = [new DeviceDelivery("d-1", message.MessageId, CloudToDeviceStatus.Queued)] });

        var before = await recorder.RefreshAsync();
        clock.Advance(TimeSpan.FromHours(2));
        var expired = await recorder.RefreshAsync();
        var after = await recorder.RefreshAsync();

        Assert.Equal((0, 1, 0), (before, expired, after));
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(timeline.All).Data);
        Assert.Equal((DeliveryStatus.Failed, CloudToDeviceStatus.Expired), (outcome.Status, outcome.Devices!.Single().Status));
    }

    private static Notification FollowUp(FollowUpTarget target)
    {
        var state = new AdherenceState { Schedule = Metformin, ScheduledUntil = Due };
        var command = new SendFollowUp("p-1:metformin:2026-03-02T08:00:00Z:DoseMissed:" + target, "p-1", "metformin", Due, target, FollowUpKind.DoseMissed);
        var effect = Assert.IsType<NotifyEffect>(Assert.Single(WorkflowEffects.For(state, [command], new FollowUpChannels(["device"], ["device"], ["console"]))));
        return effect.Notification;
    }

    private static DeliveryOutcome Queued(params string[] devices) =>
        new("k", "p-1:metformin:2026-03-02T08:00:00Z", NotificationKind.DoseMissed, "device", ["patient:p-1"], DeliveryStatus.Queued, 1, Due.AddHours(1), null,
            [.. devices.Select(d => new DeviceDelivery(d, "m-" + d, CloudToDeviceStatus.Queued))]);

    private static CloudToDeviceMessage Message(string deviceId, CloudToDeviceStatus status, DateTimeOffset? settledAt) => new()
    {
        DeviceId = deviceId,
        MessageId = "m-" + deviceId,
        Body = Encoding.UTF8.GetBytes("{}"),
        EnqueuedAt = Due.AddHours(1),
        ExpiresAt = Due.AddHours(2),
        EnqueuedBy = DeviceReminders.Actor,
        Status = status,
        Events = settledAt is { } at ? [new CloudToDeviceEvent(Due.AddHours(1), CloudToDeviceEventKind.Queued), new CloudToDeviceEvent(at, CloudToDeviceEventKind.Completed)] : [],
    };

    private static (DeviceDeliveryRecorder, InMemoryCloudToDeviceStore, InMemoryTimelineStore, ManualClock) Recorder()
    {
        var clock = new ManualClock(Due.AddHours(1));
        var queue = new InMemoryCloudToDeviceStore();
        var timeline = new InMemoryTimelineStore();
        return (new DeviceDeliveryRecorder(new InMemoryDeviceDeliveryStore(), queue, timeline, clock), queue, timeline, clock);
    }

    private static async Task<CloudToDeviceMessage> EnqueueAsync(InMemoryCloudToDeviceStore queue, ManualClock clock, string deviceId, string key)
    {
        var request = new CloudToDeviceRequest(System.Text.Json.JsonSerializer.SerializeToElement(new { type = "medication-reminder" }),
            DeviceReminders.CorrelationId(key, "device"), TtlSeconds: 3600);
        var message = CloudToDeviceRules.Validate(request, deviceId, Guid.NewGuid().ToString(), DeviceReminders.Actor, clock.GetUtcNow()).Value!;
        Assert.True(await queue.EnqueueAsync(message));
        return message;
    }
}
