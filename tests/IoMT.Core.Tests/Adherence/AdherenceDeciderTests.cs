using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Tests.Adherence;

public class AdherenceDeciderTests
{
    // 08:00 in Paris on 21 Nov 2026 is 07:00 UTC.
    private static readonly DateTimeOffset Dose8 = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);

    private static readonly MedicationSchedule Morning = new()
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = [new TimeOnly(8, 0)],
        TimeZone = "Europe/Paris",
        EffectiveFrom = Dose8.AddHours(-2),
    };

    private static AdherenceDecision Tick(AdherenceState state, DateTimeOffset at) => AdherenceDecider.Decide(state, new AdherenceTick(at));

    private static AdherenceDecision Report(AdherenceState state, DateTimeOffset at, DoseEventType type = DoseEventType.Taken, string reading = "r1", DateTimeOffset? scheduledFor = null) =>
        AdherenceDecider.Decide(state, new DoseInput(new DoseReported("patient-1", at, "metformin", type, scheduledFor, reading)));

    private static List<(FollowUpTarget, FollowUpKind)> FollowUps(AdherenceDecision decision) =>
        [.. decision.Commands.OfType<SendFollowUp>().Select(f => (f.Target, f.Kind))];

    [Fact]
    public void Start_WakesWhenTheFirstDoseWindowCloses()
    {
        var started = AdherenceDecider.Start(Morning, Dose8.AddHours(-2));

        Assert.Equal(Dose8.AddHours(1), Assert.Single(started.Commands.OfType<ScheduleWakeUp>()).Due);
    }

    [Fact]
    public void DoseTakenInItsWindow_RecordedOnTimeAndNoFollowUps()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State;

        var taken = Report(state, Dose8.AddMinutes(-20));
        var later = Tick(taken.State, Dose8.AddHours(4));

        var record = Assert.Single(taken.Commands.OfType<RecordDose>());
        Assert.Equal((Dose8, DoseStatus.Taken), (record.ScheduledAt, record.Status));
        Assert.Empty(later.Commands.OfType<SendFollowUp>());
    }

    [Fact]
    public void NoDose_ReminderThenCaregiverThenCoordinator_EachAtItsTime()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State;

        var reminder = Tick(state, Dose8.AddHours(1));
        var missed = Tick(reminder.State, Dose8.AddHours(2));
        var coordinator = Tick(missed.State, Dose8.AddHours(3));

        Assert.Equal([(FollowUpTarget.Patient, FollowUpKind.DoseMissed)], FollowUps(reminder));
        Assert.Equal(Dose8.AddHours(2), reminder.State.WakeAt);
        Assert.Equal([(FollowUpTarget.Caregiver, FollowUpKind.DoseMissed)], FollowUps(missed));
        Assert.Equal(DoseStatus.Missed, Assert.Single(missed.Commands.OfType<RecordDose>()).Status);
        Assert.Equal([(FollowUpTarget.CareCoordinator, FollowUpKind.DoseMissed)], FollowUps(coordinator));
        Assert.Equal(Dose8.AddDays(1).AddHours(1), coordinator.State.WakeAt);
        Assert.Empty(Tick(coordinator.State, Dose8.AddHours(4)).Commands.OfType<SendFollowUp>());
    }

    [Fact]
    public void WakeUpLateAfterDowntime_SendsWhatFellDueInOrderWithoutAStaleReminder()
    {
        var state = AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State;

        var late = Tick(state, Dose8.AddHours(5));

        Assert.Equal([(FollowUpTarget.Caregiver, FollowUpKind.DoseMissed), (FollowUpTarget.CareCoordinator, FollowUpKind.DoseMissed)], FollowUps(late));
    }

    [Fact]
    public void DoseTakenAfterTheCaregiverWasTold_RecordedLateAndTheCaregiverHears()
    {
        var missed = Tick(AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State, Dose8.AddHours(2)).State;

        var taken = Report(missed, Dose8.AddHours(2.5));

        Assert.Equal(DoseStatus.TakenLate, Assert.Single(taken.Commands.OfType<RecordDose>()).Status);
        Assert.Equal([(FollowUpTarget.Caregiver, FollowUpKind.DoseTakenLate)], FollowUps(taken));
        Assert.Empty(Tick(taken.State, Dose8.AddHours(3)).Commands.OfType<SendFollowUp>());
    }

    [Fact]
    public void DoseAcrossMidnight_MatchesTheEveningDose()
    {
        var evening = Morning with { TimesOfDay = [new TimeOnly(23, 30)] };
        var dose = new DateTimeOffset(2026, 11, 21, 22, 30, 0, TimeSpan.Zero);
        var state = AdherenceDecider.Start(evening, dose.AddHours(-3)).State;

        var taken = Report(state, dose.AddMinutes(40));

        var record = Assert.Single(taken.Commands.OfType<RecordDose>());
        Assert.Equal((dose, DoseStatus.Taken), (record.ScheduledAt, record.Status));
    }

    [Fact]
    public void RedeliveredReading_ChangesNothing()
    {
        var taken = Report(AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State, Dose8);

        var again = Report(taken.State, Dose8);

        Assert.Empty(again.Commands);
        Assert.Same(taken.State, again.State);
    }

    [Fact]
    public void SkippedDose_RecordedWithoutFollowUps()
    {
        var skipped = Report(AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State, Dose8.AddMinutes(5), DoseEventType.Skipped);

        Assert.Equal(DoseStatus.Skipped, Assert.Single(skipped.Commands.OfType<RecordDose>()).Status);
        Assert.Empty(Tick(skipped.State, Dose8.AddHours(4)).Commands.OfType<SendFollowUp>());
    }

    [Fact]
    public void DispenserReportsAMissedDose_CaregiverToldAtOnce()
    {
        var missed = Report(AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State, Dose8.AddMinutes(70), DoseEventType.Missed, scheduledFor: Dose8);

        Assert.Equal([(FollowUpTarget.Caregiver, FollowUpKind.DoseMissed)], FollowUps(missed));
        Assert.Equal([(FollowUpTarget.CareCoordinator, FollowUpKind.DoseMissed)], FollowUps(Tick(missed.State, Dose8.AddHours(3))));
    }

    [Fact]
    public void DoseWithNoScheduledDoseNear_RecordedAsExtra()
    {
        var extra = Report(AdherenceDecider.Start(Morning, Dose8.AddHours(-2)).State, Dose8.AddHours(6));

        var record = Assert.Single(extra.Commands.OfType<RecordDose>());
        Assert.Equal((null, DoseStatus.Unscheduled), (record.ScheduledAt, record.Status));
    }

    [Fact]
    public void ControllerInhalerPuff_CountsAsTheDose()
    {
        var controller = Morning with { MedicationId = "budesonide", Kind = MedicationKind.ControllerInhaler };
        var state = AdherenceDecider.Start(controller, Dose8.AddHours(-2)).State;

        var puff = AdherenceDecider.Decide(state, new InhalerInput(new InhalerActuated("patient-1", Dose8.AddMinutes(3), "budesonide", 2, "r1")));

        Assert.Equal(DoseStatus.Taken, Assert.Single(puff.Commands.OfType<RecordDose>()).Status);
    }

    [Fact]
    public void RescueInhalerAboveTheLimitIn24Hours_OneOveruseAlertClearedWhenTheCountFalls()
    {
        var rescue = Morning with { MedicationId = "salbutamol", Kind = MedicationKind.RescueInhaler, TimesOfDay = [] };
        var state = AdherenceDecider.Start(rescue, Dose8).State;
        var raised = new List<AlertRaised>();
        for (var i = 0; i < 6; i++)
        {
            var decision = AdherenceDecider.Decide(state, new InhalerInput(new InhalerActuated("patient-1", Dose8.AddHours(i), "salbutamol", 2, $"r{i}")));
            raised.AddRange(decision.Commands.OfType<PublishAlertEvent>().Select(c => c.Event).OfType<AlertRaised>());
            state = decision.State;
        }

        var alert = Assert.Single(raised);
        Assert.Equal((AdherenceDecider.OveruseRuleId, AlertCategory.Adherence, Dose8.AddHours(4)), (alert.RuleId, alert.Category, alert.At));
        Assert.Equal((10.0, (double)rescue.RescuePuffLimit), (alert.Value, alert.Limit));
        Assert.Equal(Dose8.AddHours(24), state.WakeAt);

        var stillOver = Tick(state, Dose8.AddHours(24));
        var cleared = Tick(stillOver.State, Dose8.AddHours(26));

        Assert.Empty(stillOver.Commands.OfType<PublishAlertEvent>());
        var end = Assert.IsType<AlertCleared>(Assert.Single(cleared.Commands.OfType<PublishAlertEvent>()).Event);
        Assert.Equal(alert.AlertId, end.AlertId);
        Assert.Null(cleared.State.Overuse);
    }

    [Fact]
    public void RescueInhalerOveruse_PuffsReceivedLate_EscalationCountsFromWhenTheProductReceivedThem()
    {
        var rescue = Morning with { MedicationId = "salbutamol", Kind = MedicationKind.RescueInhaler, TimesOfDay = [] };
        var state = AdherenceDecider.Start(rescue, Dose8).State;
        var receivedAt = Dose8.AddMinutes(10);
        var decision = AdherenceDecider.Decide(state, new InhalerInput(new InhalerActuated("patient-1", Dose8, "salbutamol", 10, "r1", receivedAt)));

        var alert = Assert.IsType<AlertRaised>(Assert.Single(decision.Commands.OfType<PublishAlertEvent>()).Event);
        Assert.Equal((Dose8, receivedAt, receivedAt), (alert.At, alert.RaisedAt, alert.EscalationStart));
    }
}
