using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Testing;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Durable.Tests;

/// <summary>A medication's adherence instance on the real Durable Task runtime, with dose windows of seconds.</summary>
public class AdherenceRuntimeTests(DurableRuntime runtime) : IClassFixture<DurableRuntime>
{
    [Fact]
    public async Task DoseWindowMissed_ReminderCaregiverCoordinatorEachWhenDue_DoseRecordedMissed()
    {
        // A dose due at the next whole second at least 2 s ahead: open 1 s before, on time until 1 s after, missed
        // 1 s after that, the coordinator told 1 s later.
        var now = DateTimeOffset.UtcNow;
        var due = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(3);
        var schedule = new MedicationSchedule
        {
            PatientId = "patient-missed",
            MedicationId = "metformin",
            TimesOfDay = [TimeOnly.FromTimeSpan(due.TimeOfDay)],
            EffectiveFrom = now,
            EarlyWindow = TimeSpan.FromSeconds(1),
            DoseWindow = TimeSpan.FromSeconds(1),
            GracePeriod = TimeSpan.FromSeconds(1),
            CoordinatorAfter = TimeSpan.FromSeconds(1),
        };

        await runtime.Workflows.SaveScheduleAsync(runtime.Client, schedule);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(schedule.PatientId), s => s.Count >= 3, "the three follow-ups");

        var deliveries = runtime.Deliveries.Where(d => d.Notification.PatientId == schedule.PatientId).ToList();
        Assert.Equal(
            ["patient:patient-missed", "caregiver:patient-missed", "role:care-coordinator"],
            deliveries.Select(d => Assert.Single(d.Notification.Recipients)));
        Assert.All(deliveries, d => Assert.Equal((NotificationKind.DoseMissed, due), (d.Notification.Kind, d.Notification.At)));
        Assert.True(deliveries[0].SentAt >= schedule.WindowEnd(due));
        Assert.True(deliveries[1].SentAt >= schedule.MissedAt(due));
        Assert.True(deliveries[2].SentAt >= schedule.CoordinatorAt(due));
        var recorded = Assert.Single(runtime.TimelineOf(schedule.PatientId), r => r.Type == TimelineEntryType.Adherence);
        Assert.Equal(new DoseOutcome("metformin", due, DoseStatus.Missed, null), WorkflowJson.Deserialize<DoseOutcome>(recorded.Data));
        var instance = await runtime.Client.GetInstanceAsync(DurableEvents.AdherenceInstance(schedule.PatientId, schedule.MedicationId));
        Assert.Equal((AdherenceOrchestrator.Name, OrchestrationRuntimeStatus.Running), (instance!.Name, instance.RuntimeStatus));
    }

    [Fact]
    public async Task ConsoleOnly_PatientAndCaregiverUndeliverable_CoordinatorToldWhenTheWindowCloses()
    {
        var now = DateTimeOffset.UtcNow;
        var due = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(3);
        var schedule = new MedicationSchedule
        {
            PatientId = "patient-console-only",
            MedicationId = "metformin",
            TimesOfDay = [TimeOnly.FromTimeSpan(due.TimeOfDay)],
            EffectiveFrom = now,
            EarlyWindow = TimeSpan.FromSeconds(1),
            DoseWindow = TimeSpan.FromSeconds(1),
            GracePeriod = TimeSpan.FromMinutes(10),
            CoordinatorAfter = TimeSpan.FromMinutes(10),
        };
        var consoleOnly = new DurableWorkflows(runtime.Escalations, new FixedOptions<WorkflowOptions>(new WorkflowOptions()));

        await consoleOnly.SaveScheduleAsync(runtime.Client, schedule);
        var sent = await DurableRuntime.EventuallyAsync(() => runtime.SentTo(schedule.PatientId), s => s.Count >= 1, "the coordinator told");
        var undeliverable = await DurableRuntime.EventuallyAsync(
            () => runtime.TimelineOf(schedule.PatientId).Where(r => r.Type == TimelineEntryType.Notification).Select(r => WorkflowJson.Deserialize<DeliveryOutcome>(r.Data)).ToList(),
            o => o.Count >= 2, "both undeliverable follow-ups recorded");

        Assert.Equal("role:care-coordinator", Assert.Single(Assert.Single(sent).Recipients));
        Assert.Equal(["caregiver:patient-console-only", "patient:patient-console-only"], undeliverable.Select(o => Assert.Single(o.Recipients)).Order());
        Assert.All(undeliverable, o => Assert.Equal(DeliveryStatus.Undeliverable, o.Status));
    }

    [Fact]
    public async Task CaregiverInTheProfile_ToldThroughTheCaregiverChannel_AnotherPatientsUndeliverableAndTheCoordinatorToldAtOnce()
    {
        var now = DateTimeOffset.UtcNow;
        var due = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(3);
        MedicationSchedule For(string patientId) => new()
        {
            PatientId = patientId,
            MedicationId = "metformin",
            TimesOfDay = [TimeOnly.FromTimeSpan(due.TimeOfDay)],
            EffectiveFrom = now,
            EarlyWindow = TimeSpan.FromSeconds(1),
            DoseWindow = TimeSpan.FromSeconds(1),
            GracePeriod = TimeSpan.FromSeconds(1),
            CoordinatorAfter = TimeSpan.FromMinutes(10),
        };
        await runtime.Profiles.SaveAsync(new Core.Patients.PatientRecord("patient-with-caregiver", ["ward-7"])
        {
            Contacts = [new Core.Patients.PatientContact("Grace Hopper", "daughter") { Caregiver = true, Webhook = "https://grace.example.org/hook" }],
        });
        var caregivers = new DurableWorkflows(runtime.Escalations, new FixedOptions<WorkflowOptions>(new WorkflowOptions
        {
            PatientFollowUpChannels = ["device"],
            CaregiverFollowUpChannels = ["console", CaregiverReach.Channel],
        }));

        await caregivers.SaveScheduleAsync(runtime.Client, For("patient-with-caregiver"));
        await caregivers.SaveScheduleAsync(runtime.Client, For("patient-without-caregiver"));
        var told = await DurableRuntime.EventuallyAsync(() => runtime.SentTo("patient-with-caregiver"), s => s.Count >= 2, "the caregiver told");
        var coordinator = await DurableRuntime.EventuallyAsync(() => runtime.SentTo("patient-without-caregiver"), s => s.Count >= 2, "the coordinator told");
        var undeliverable = await DurableRuntime.EventuallyAsync(
            () => runtime.TimelineOf("patient-without-caregiver").Where(r => r.Type == TimelineEntryType.Notification)
                .Select(r => WorkflowJson.Deserialize<DeliveryOutcome>(r.Data)).ToList(),
            o => o.Count >= 2, "the caregiver's follow-up recorded undeliverable");

        Assert.Equal(["patient:patient-with-caregiver", "caregiver:patient-with-caregiver"], told.Select(n => Assert.Single(n.Recipients)));
        Assert.Equal([CaregiverReach.Channel], told[1].Channels);
        Assert.Equal(["patient:patient-without-caregiver", "role:care-coordinator"], coordinator.Select(n => Assert.Single(n.Recipients)));
        Assert.All(undeliverable, o => Assert.Equal((DeliveryStatus.Undeliverable, "caregiver:patient-without-caregiver"), (o.Status, Assert.Single(o.Recipients))));
        Assert.Equal(["caregiver", "console"], undeliverable.Select(o => o.Channel).Order(StringComparer.Ordinal));
        Assert.Equal(2, runtime.ActivityRuns.Count(r => r.Activity == WorkflowActivities.CaregiverReach));
    }

    [Fact]
    public async Task RescueInhalerOveruse_AlertPublishedThroughTheClient_ItsEscalationStartsAndNotifies()
    {
        var now = DateTimeOffset.UtcNow;
        var schedule = new MedicationSchedule
        {
            PatientId = "patient-inhaler",
            MedicationId = "salbutamol",
            Kind = MedicationKind.RescueInhaler,
            RescuePuffLimit = 8,
            EffectiveFrom = now,
        };
        await runtime.Workflows.SaveScheduleAsync(runtime.Client, schedule);

        await runtime.Workflows.PublishAsync(runtime.Client, [new InhalerActuated(schedule.PatientId, now, schedule.MedicationId, 9, "rd-puffs")]);
        var alertId = AlertIds.For(AlertIds.DedupKey(schedule.PatientId, AdherenceDecider.OveruseRuleId), now);
        var sent = await DurableRuntime.EventuallyAsync(() => runtime.SentTo(schedule.PatientId), s => s.Count >= 1, "the overuse alert's level 1");

        Assert.Equal((NotificationKind.AlertTriggered, alertId, "role:nurse"), (sent[0].Kind, sent[0].Subject, Assert.Single(sent[0].Recipients)));
        var state = runtime.Escalations.Alerts[alertId];
        Assert.Equal((AlertCategory.Adherence, AlertStatus.Triggered), (state.Alert.Category, state.Status));
        var escalation = await runtime.Client.GetInstanceAsync(DurableEvents.EscalationInstance(alertId));
        Assert.Equal((EscalationOrchestrator.Name, OrchestrationRuntimeStatus.Running), (escalation!.Name, escalation.RuntimeStatus));
        Assert.Contains(runtime.TimelineOf(schedule.PatientId), r => r.Type == TimelineEntryType.AlertRaised && r.Code == AdherenceDecider.OveruseRuleId);

        await runtime.Alerts().SendAsync(alertId, new ResolveAlert("nurse-1", DateTimeOffset.UtcNow));
        await runtime.WaitForStatusAsync(alertId, OrchestrationRuntimeStatus.Completed);
    }
}
