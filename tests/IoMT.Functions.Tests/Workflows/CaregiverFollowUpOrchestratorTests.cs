using IoMT.Core.Adherence;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;

namespace IoMT.Functions.Tests.Workflows;

/// <summary>The adherence instance looks up the caregivers of the patient's profile (an activity) when it tells the caregiver, and only then.</summary>
public class CaregiverFollowUpOrchestratorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private readonly DurableTestHost _host = new(T0, new WorkflowOptions
    {
        PatientFollowUpChannels = ["device"],
        CaregiverFollowUpChannels = ["console", CaregiverReach.Channel],
    });

    private static MedicationSchedule Schedule => new()
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = [new TimeOnly(9, 0)],
        EffectiveFrom = T0,
    };

    [Fact]
    public async Task CaregiverInTheProfile_ToldThroughTheCaregiverChannelWhenTheDoseIsMissed_LookedUpOnce()
    {
        await _host.Profiles.SaveAsync(new PatientRecord("patient-1", ["ward-7"])
        {
            Contacts = [new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Webhook = "https://grace.example.org/hook" }],
        });
        await _host.Workflows.SaveScheduleAsync(_host, Schedule);

        for (var hour = 1; hour <= 13; hour++)
        {
            _host.AdvanceTo(T0.AddHours(hour));
        }

        Assert.Equal(["patient:patient-1", "caregiver:patient-1", "role:care-coordinator"], _host.Notifier.Sent.Select(n => Assert.Single(n.Recipients)));
        Assert.Equal([CaregiverReach.Channel], _host.Notifier.Sent.ElementAt(1).Channels);
        Assert.Single(_host.ActivityRuns, WorkflowActivities.CaregiverReach);
        Assert.DoesNotContain(_host.Timeline.All, r => r.Type == TimelineEntryType.Notification);
    }

    [Fact]
    public async Task NoCaregiverInTheProfile_UndeliverableWithTheReason_CoordinatorToldAtOnce()
    {
        await _host.Profiles.SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
        await _host.Workflows.SaveScheduleAsync(_host, Schedule);

        for (var hour = 1; hour <= 11; hour++)
        {
            _host.AdvanceTo(T0.AddHours(hour));
        }

        // The grace period ended at 11:00; the coordinator's own time would be 12:00.
        var coordinator = _host.Notifier.Sent.Single(n => n.Recipients.Contains("role:care-coordinator"));
        Assert.DoesNotContain(_host.Notifier.Sent, n => n.Recipients.Contains("caregiver:patient-1"));
        var undeliverable = _host.Timeline.All.Where(r => r.Type == TimelineEntryType.Notification).Select(r => WorkflowJson.Deserialize<DeliveryOutcome>(r.Data)).ToList();
        Assert.Equal(["caregiver", "console"], undeliverable.Select(o => o.Channel).Order(StringComparer.Ordinal));
        Assert.All(undeliverable, o => Assert.Equal((DeliveryStatus.Undeliverable, T0.AddHours(11)), (o.Status, o.At)));
        Assert.Contains("the patient's profile names no caregiver", undeliverable[0].Error, StringComparison.Ordinal);
        Assert.Equal(NotificationKind.DoseMissed, coordinator.Kind);
    }

    [Fact]
    public async Task LookupFailingForEveryRoundOfAGeneration_TheNextGenerationTellsTheCaregiverOnce()
    {
        await _host.Profiles.SaveAsync(new PatientRecord("patient-1", ["ward-7"])
        {
            Contacts = [new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Email = "grace@example.org", Webhook = "https://grace.example.org/hook" }],
        });
        var attempts = OrchestrationSteps.Retry.Retry!.Policy!.MaxNumberOfAttempts;
        _host.FailNext[WorkflowActivities.CaregiverReach] = attempts * OrchestrationSteps.RoundsPerGeneration;
        await _host.Workflows.SaveScheduleAsync(_host, Schedule);
        _host.AdvanceTo(T0.AddHours(10));
        _host.AdvanceTo(T0.AddHours(11));

        for (var round = 1; round <= OrchestrationSteps.RoundsPerGeneration + 1; round++)
        {
            _host.Advance(OrchestrationSteps.Pause);
        }

        Assert.Equal(1, _host.Generations["adherence:patient-1:metformin"]);
        // An hour late, the caregiver is told once; the coordinator's time (12:00) has come meanwhile.
        Assert.Equal(["patient:patient-1", "caregiver:patient-1", "role:care-coordinator"], _host.Notifier.Sent.Select(n => Assert.Single(n.Recipients)));
        Assert.Equal([CaregiverReach.Channel], _host.Notifier.Sent.ElementAt(1).Channels);
        Assert.DoesNotContain(_host.Timeline.All, r => r.Type == TimelineEntryType.Notification);
    }

    [Fact]
    public async Task DoseTakenLate_LookupFailingForEveryRound_TheDoseIsTakenAgainByTheNextGeneration_CaregiverHearsOnce()
    {
        await _host.Profiles.SaveAsync(new PatientRecord("patient-1", ["ward-7"])
        {
            Contacts = [new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Webhook = "https://grace.example.org/hook" }],
        });
        await _host.Workflows.SaveScheduleAsync(_host, Schedule);
        _host.AdvanceTo(T0.AddHours(10));
        _host.AdvanceTo(T0.AddHours(11));
        _host.FailNext[WorkflowActivities.CaregiverReach] = OrchestrationSteps.Retry.Retry!.Policy!.MaxNumberOfAttempts * OrchestrationSteps.RoundsPerGeneration;

        await _host.PublishAsync(new Core.Alerts.DoseReported("patient-1", T0.AddHours(11.5), "metformin", Core.Telemetry.DoseEventType.Taken, null, "rd-1"));
        for (var round = 1; round <= OrchestrationSteps.RoundsPerGeneration; round++)
        {
            _host.Advance(OrchestrationSteps.Pause);
        }

        Assert.Equal(1, _host.Generations["adherence:patient-1:metformin"]);
        var late = Assert.Single(_host.Notifier.Sent, n => n.Kind == NotificationKind.DoseTakenLate);
        Assert.Equal(["caregiver:patient-1"], late.Recipients);
        var outcomes = _host.Timeline.All.Where(r => r.Type == TimelineEntryType.Adherence).Select(r => WorkflowJson.Deserialize<DoseOutcome>(r.Data).Status);
        Assert.Equal([DoseStatus.TakenLate, DoseStatus.Missed], outcomes.Order());
        Assert.DoesNotContain(_host.Notifier.Sent, n => n.Recipients.Contains("role:care-coordinator"));
    }
}
