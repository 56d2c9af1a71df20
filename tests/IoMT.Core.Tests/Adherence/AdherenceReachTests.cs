using IoMT.Core.Adherence;
using IoMT.Core.Workflows;

namespace IoMT.Core.Tests.Adherence;

/// <summary>A follow-up counts as sent only when a channel reaches its target; otherwise it is undeliverable and the next level takes over.</summary>
public class AdherenceReachTests
{
    private static readonly DateTimeOffset Dose8 = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);

    private static readonly MedicationSchedule Morning = new()
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = [new TimeOnly(8, 0)],
        TimeZone = "Europe/Paris",
        EffectiveFrom = Dose8.AddHours(-2),
    };

    [Fact]
    public void ConsoleOnly_PatientAndCaregiverUndeliverable_CoordinatorToldWhenTheWindowCloses()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), FollowUpChannels.Default).State;

        var windowClosed = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(1)), FollowUpChannels.Default);
        var graceOver = AdherenceDecider.Decide(windowClosed.State, new AdherenceTick(Dose8.AddHours(2)), FollowUpChannels.Default);
        var coordinatorTime = AdherenceDecider.Decide(graceOver.State, new AdherenceTick(Dose8.AddHours(3)), FollowUpChannels.Default);

        Assert.Equal([FollowUpTarget.Patient, FollowUpTarget.Caregiver], windowClosed.Commands.OfType<FollowUpUndeliverable>().Select(u => u.Target));
        Assert.All(windowClosed.Commands.OfType<FollowUpUndeliverable>(), u => Assert.Contains("console", u.Reason, StringComparison.Ordinal));
        Assert.Equal([FollowUpTarget.CareCoordinator], windowClosed.Commands.OfType<SendFollowUp>().Select(f => f.Target));
        Assert.Equal(DoseStatus.Missed, Assert.Single(graceOver.Commands.OfType<RecordDose>()).Status);
        Assert.Empty(graceOver.Commands.OfType<SendFollowUp>());
        Assert.Empty(coordinatorTime.Commands.OfType<SendFollowUp>());
    }

    [Fact]
    public void PatientOnTheDevice_CaregiverOnTheConsole_CoordinatorTakesOverWhenTheDoseIsMissed()
    {
        var channels = FollowUpChannels.Default with { Patient = ["device"] };
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), channels).State;

        var reminder = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(1)), channels);
        var missed = AdherenceDecider.Decide(reminder.State, new AdherenceTick(Dose8.AddHours(2)), channels);

        Assert.Equal([FollowUpTarget.Patient], reminder.Commands.OfType<SendFollowUp>().Select(f => f.Target));
        Assert.Empty(reminder.Commands.OfType<FollowUpUndeliverable>());
        Assert.Equal(FollowUpTarget.Caregiver, Assert.Single(missed.Commands.OfType<FollowUpUndeliverable>()).Target);
        Assert.Equal([FollowUpTarget.CareCoordinator], missed.Commands.OfType<SendFollowUp>().Select(f => f.Target));
    }

    [Fact]
    public void DoseTakenLateAfterTheCaregiverWasUnreachable_OnlyThoseReachedHearIt()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2), FollowUpChannels.Default).State;
        var missed = AdherenceDecider.Decide(state, new AdherenceTick(Dose8.AddHours(2)), FollowUpChannels.Default).State;

        var late = AdherenceDecider.Decide(missed, new DoseInput(new("patient-1", Dose8.AddHours(2.5), "metformin", Telemetry.DoseEventType.Taken, null, "r1")),
            FollowUpChannels.Default);

        Assert.Equal([(FollowUpTarget.CareCoordinator, FollowUpKind.DoseTakenLate)], late.Commands.OfType<SendFollowUp>().Select(f => (f.Target, f.Kind)));
    }

    [Fact]
    public void Undeliverable_RecordedOnTheTimelineAsUndeliverable()
    {
        var windowClosed = AdherenceDecider.Decide(AdherenceDecider.Start(Morning, Dose8.AddHours(-2), FollowUpChannels.Default).State,
            new AdherenceTick(Dose8.AddHours(1)), FollowUpChannels.Default);

        var records = WorkflowEffects.For(windowClosed.State, windowClosed.Commands, FollowUpChannels.Default).OfType<TimelineEffect>()
            .Where(e => e.Record.Type == IoMT.Core.Timeline.TimelineEntryType.Notification)
            .Select(e => WorkflowJson.Deserialize<IoMT.Core.Notifications.DeliveryOutcome>(e.Record.Data))
            .ToList();

        Assert.Equal(["patient:patient-1", "caregiver:patient-1"], records.Select(r => Assert.Single(r.Recipients)));
        Assert.All(records, r => Assert.Equal((IoMT.Core.Notifications.DeliveryStatus.Undeliverable, "console", Dose8.AddHours(1)), (r.Status, r.Channel, r.At)));
    }
}
