using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;

namespace IoMT.Functions.Tests.Workflows;

public class AdherenceOrchestratorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private readonly DurableTestHost _host = new(T0, new WorkflowOptions { PatientFollowUpChannels = ["device"], CaregiverFollowUpChannels = ["webhook:family"] });

    private static MedicationSchedule Schedule(params int[] hours) => new()
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = [.. hours.Select(h => new TimeOnly(h, 0))],
        EffectiveFrom = T0,
    };

    [Fact]
    public async Task ScheduleSaved_OneInstance_MissedDoseFollowUpsPatientCaregiverCoordinator()
    {
        await _host.Workflows.SaveScheduleAsync(_host, Schedule(9));

        for (var hour = 1; hour <= 13; hour++)
        {
            _host.AdvanceTo(T0.AddHours(hour));
        }

        var instance = Assert.Single(_host.Instances);
        Assert.Equal("adherence:patient-1:metformin", instance.Key);
        Assert.Equal(["patient:patient-1", "caregiver:patient-1", "role:care-coordinator"], _host.Notifier.Sent.Select(n => Assert.Single(n.Recipients)));
        Assert.All(_host.Notifier.Sent, n => Assert.Equal(NotificationKind.DoseMissed, n.Kind));
        Assert.Contains(_host.Timeline.All, r => r.Type == TimelineEntryType.Adherence && WorkflowJson.Deserialize<DoseOutcome>(r.Data).Status == DoseStatus.Missed);
    }

    [Fact]
    public async Task ConsoleOnly_PatientAndCaregiverUndeliverable_CoordinatorToldWhenTheWindowCloses()
    {
        var host = new DurableTestHost(T0);
        await host.Workflows.SaveScheduleAsync(host, Schedule(9));

        for (var hour = 1; hour <= 13; hour++)
        {
            host.AdvanceTo(T0.AddHours(hour));
        }

        var told = Assert.Single(host.Notifier.Sent);
        Assert.Equal(("role:care-coordinator", T0.AddHours(9)), (Assert.Single(told.Recipients), told.At));
        var undeliverable = host.Timeline.All.Where(r => r.Type == TimelineEntryType.Notification).Select(r => WorkflowJson.Deserialize<DeliveryOutcome>(r.Data));
        Assert.Equal(["caregiver:patient-1", "patient:patient-1"], undeliverable.Select(o => Assert.Single(o.Recipients)).Order());
    }

    [Fact]
    public async Task DoseTakenInTheWindow_RecordedTaken_NoFollowUp_RedeliveryChangesNothing()
    {
        await _host.Workflows.SaveScheduleAsync(_host, Schedule(9));
        _host.AdvanceTo(T0.AddHours(9).AddMinutes(10));
        var dose = new DoseReported("patient-1", T0.AddHours(9).AddMinutes(10), "metformin", DoseEventType.Taken, null, "rd-1");

        await _host.PublishAsync(dose);
        await _host.PublishAsync(dose);
        _host.AdvanceTo(T0.AddHours(13));

        Assert.Empty(_host.Notifier.Sent);
        var taken = Assert.Single(_host.Timeline.All, r => r.Type == TimelineEntryType.Adherence);
        Assert.Equal(DoseStatus.Taken, WorkflowJson.Deserialize<DoseOutcome>(taken.Data).Status);
    }

    [Fact]
    public async Task DoseOfAMedicationWithoutSchedule_NoInstanceNoEvent()
    {
        await _host.PublishAsync(new DoseReported("patient-1", T0, "aspirin", DoseEventType.Taken, null, "rd-1"));

        Assert.Empty(_host.Instances);
        Assert.Empty(_host.RaisedEvents);
    }

    [Fact]
    public async Task NewSchedule_GoesToTheRunningInstance_WhichStartsAfreshUnderIt()
    {
        await _host.Workflows.SaveScheduleAsync(_host, Schedule(9));
        _host.AdvanceTo(T0.AddHours(1));

        await _host.Workflows.SaveScheduleAsync(_host, Schedule(18) with { EffectiveFrom = T0.AddHours(1) });
        for (var hour = 2; hour <= 20; hour++)
        {
            _host.AdvanceTo(T0.AddHours(hour));
        }

        Assert.Single(_host.Instances);
        Assert.Contains(_host.RaisedEvents, e => e.Name == DurableEvents.Schedule);
        var reminder = _host.Notifier.Sent.First();
        Assert.Equal(T0.AddHours(18), reminder.At);
    }

    [Fact]
    public async Task RescueInhalerOveruse_StartsTheAlertsEscalation()
    {
        await _host.Workflows.SaveScheduleAsync(_host, new MedicationSchedule
        {
            PatientId = "patient-1",
            MedicationId = "salbutamol",
            Kind = MedicationKind.RescueInhaler,
            RescuePuffLimit = 8,
            EffectiveFrom = T0,
        });
        _host.AdvanceTo(T0.AddHours(1));

        await _host.PublishAsync(new InhalerActuated("patient-1", T0.AddHours(1), "salbutamol", 9, "rd-9"));

        var alertId = AlertIds.For(AlertIds.DedupKey("patient-1", AdherenceDecider.OveruseRuleId), T0.AddHours(1));
        Assert.Contains(alertId, _host.Instances.Keys);
        Assert.Equal(AlertCategory.Adherence, _host.Alert(alertId)!.Alert.Category);
        Assert.Equal(AlertStatus.Triggered, _host.Alert(alertId)!.Status);
        Assert.Equal(NotificationKind.AlertTriggered, Assert.Single(_host.Notifier.Sent).Kind);
    }

    [Fact]
    public async Task TenDaysOfFourDoses_ContinuesAsNew_EveryFollowUpOnceAcrossGenerations()
    {
        await _host.Workflows.SaveScheduleAsync(_host, Schedule(6, 10, 14, 18));

        for (var hour = 1; hour <= 24 * 10; hour++)
        {
            _host.AdvanceTo(T0.AddHours(hour));
        }

        Assert.True(_host.Generations["adherence:patient-1:metformin"] >= 1);
        var followUps = _host.Notifier.Sent.Select(n => n.Key).ToList();
        Assert.Equal(followUps.Count, followUps.Distinct().Count());

        // 40 doses, all missed, each told to patient, caregiver and coordinator within 3 hours of its time.
        Assert.Equal(40 * 3, _host.Notifier.Sent.Count(n => n.At < T0.AddDays(10).AddHours(-3)));
    }
}
