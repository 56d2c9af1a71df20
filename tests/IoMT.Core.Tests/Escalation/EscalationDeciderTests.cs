using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Timeline;
using static IoMT.Core.Tests.Escalation.EscalationFixture;

namespace IoMT.Core.Tests.Escalation;

public class EscalationDeciderTests
{
    [Fact]
    public void Start_NotifiesTheFirstLevelAndSchedulesTheNext()
    {
        var started = Start();

        var notify = Single<NotifyLevel>(started);
        Assert.Equal((0, 0), (notify.Level, notify.Pass));
        Assert.Equal([Nurses], notify.Targets);
        Assert.Equal(["console", "sms"], notify.Channels);
        var timer = Single<ScheduleTimer>(started).Timer;
        Assert.Equal((T0.AddMinutes(2), TimerPurpose.Escalate), (timer.Due, timer.Purpose));
        Assert.Equal(AlertStatus.Triggered, started.State.Status);
        Assert.Equal(TimelineEntryType.Escalation, Single<RecordStep>(started).Type);
    }

    [Fact]
    public void TimersWithoutAcknowledgement_WalkEveryLevelOfEveryPassThenStop()
    {
        var state = Start().State;
        var notified = new List<(int Level, int Pass, DateTimeOffset At)>();

        for (var i = 0; i < 5; i++)
        {
            var due = state.Timer!.Due;
            var fired = FireTimer(state);
            var notify = Single<NotifyLevel>(fired);
            notified.Add((notify.Level, notify.Pass, due));
            state = fired.State;
        }

        var last = FireTimer(state);

        Assert.Equal(
            [(1, 0, T0.AddMinutes(2)), (2, 0, T0.AddMinutes(7)), (0, 1, T0.AddMinutes(17)), (1, 1, T0.AddMinutes(19)), (2, 1, T0.AddMinutes(24))],
            notified);
        Assert.True(last.State.Exhausted);
        Assert.Null(last.State.Timer);
        Assert.Empty(last.Commands.OfType<NotifyLevel>());
        Assert.Equal("exhausted", Single<RecordStep>(last).Action);
    }

    [Fact]
    public void AcknowledgeBeforeTheTimer_CancelsItAndTheLateTimerChangesNothing()
    {
        var started = Start().State;
        var timerId = started.Timer!.Id;

        var acked = EscalationDecider.Decide(started, new AcknowledgeAlert("nurse-7", T0.AddSeconds(40)));
        var late = EscalationDecider.Decide(acked.State, new TimerFired(timerId, T0.AddMinutes(2)));

        Assert.Equal(timerId, Single<CancelTimer>(acked).TimerId);
        Assert.Equal((AlertStatus.Acknowledged, "nurse-7"), (acked.State.Status, acked.State.AcknowledgedBy));
        var status = Single<NotifyStatus>(acked);
        Assert.Equal(AlertStatus.Acknowledged, status.Status);
        Assert.Equal([Nurses], status.Targets);
        Assert.Equal(TimelineEntryType.Acknowledgement, Single<RecordStep>(acked).Type);
        Assert.Equal(DecisionOutcome.StaleTimer, late.Outcome);
        Assert.Empty(late.Commands);
    }

    [Fact]
    public void AcknowledgeAfterTheSecondLevel_TellsEveryoneNotifiedAndStopsEscalating()
    {
        var second = FireTimer(Start().State).State;

        var acked = EscalationDecider.Decide(second, new AcknowledgeAlert("coordinator-1", T0.AddMinutes(3)));

        Assert.Equal([Nurses, Coordinators], Single<NotifyStatus>(acked).Targets);
        Assert.Equal(["console", "sms", "teams"], Single<NotifyStatus>(acked).Channels);
        Assert.Null(acked.State.Timer);
        Assert.Empty(acked.Commands.OfType<ScheduleTimer>());
    }

    [Fact]
    public void DuplicateAcknowledgement_Ignored()
    {
        var acked = EscalationDecider.Decide(Start().State, new AcknowledgeAlert("nurse-7", T0.AddSeconds(40))).State;

        var again = EscalationDecider.Decide(acked, new AcknowledgeAlert("nurse-8", T0.AddSeconds(41)));

        Assert.Equal(DecisionOutcome.Duplicate, again.Outcome);
        Assert.Empty(again.Commands);
        Assert.Equal("nurse-7", again.State.AcknowledgedBy);
    }

    [Fact]
    public void AcknowledgeAfterResolve_IgnoredAsAlreadyResolved()
    {
        var resolved = EscalationDecider.Decide(Start().State, new ResolveAlert("nurse-7", T0.AddMinutes(1), "repositioned probe")).State;

        var ack = EscalationDecider.Decide(resolved, new AcknowledgeAlert("nurse-8", T0.AddMinutes(2)));

        Assert.Equal(DecisionOutcome.AlreadyResolved, ack.Outcome);
        Assert.Empty(ack.Commands);
    }

    [Fact]
    public void Resolve_CancelsTheTimerRecordsWhoAndCompletes()
    {
        var resolved = EscalationDecider.Decide(Start().State, new ResolveAlert("nurse-7", T0.AddMinutes(1), "repositioned probe"));

        Assert.Equal(AlertStatus.Resolved, resolved.State.Status);
        Assert.Single(resolved.Commands.OfType<CancelTimer>());
        var record = Single<RecordStep>(resolved);
        Assert.Equal((TimelineEntryType.Resolution, "nurse-7", "repositioned probe"), (record.Type, record.Actor, record.Detail));
        Assert.Equal(AlertStatus.Resolved, Single<NotifyStatus>(resolved).Status);
        Assert.IsType<CompleteEscalation>(resolved.Commands[^1]);
    }

    [Fact]
    public void AcknowledgementTimesOut_TriggersAgainFromTheFirstLevel()
    {
        var second = FireTimer(Start(Policy(ackTimeout: TimeSpan.FromMinutes(15))).State).State;
        var acked = EscalationDecider.Decide(second, new AcknowledgeAlert("coordinator-1", T0.AddMinutes(3)));
        Assert.Equal((T0.AddMinutes(18), TimerPurpose.AckTimeout), (acked.State.Timer!.Due, acked.State.Timer.Purpose));

        var timedOut = FireTimer(acked.State);

        var notify = Single<NotifyLevel>(timedOut);
        Assert.Equal((0, 0), (notify.Level, notify.Pass));
        Assert.Equal(AlertStatus.Triggered, timedOut.State.Status);
        Assert.Contains(timedOut.Commands.OfType<RecordStep>(), r => r.Action == "acknowledgement-timed-out");
        Assert.Equal(T0.AddMinutes(20), timedOut.State.Timer!.Due);
    }

    [Fact]
    public void Snooze_SilencesUntilItEndsThenStartsOverFromTheFirstLevel()
    {
        var started = Start().State;
        var escalationTimer = started.Timer!.Id;

        var snoozed = EscalationDecider.Decide(started, new SnoozeAlert("nurse-7", T0.AddMinutes(1), T0.AddMinutes(31)));
        var stale = EscalationDecider.Decide(snoozed.State, new TimerFired(escalationTimer, T0.AddMinutes(2)));
        var ended = FireTimer(snoozed.State);

        Assert.Equal(AlertStatus.Snoozed, snoozed.State.Status);
        Assert.Equal((T0.AddMinutes(31), TimerPurpose.SnoozeEnd), (snoozed.State.Timer!.Due, snoozed.State.Timer.Purpose));
        Assert.Empty(snoozed.Commands.OfType<RegisterSnooze>());
        Assert.Equal(DecisionOutcome.StaleTimer, stale.Outcome);
        Assert.Equal((0, 0), (Single<NotifyLevel>(ended).Level, Single<NotifyLevel>(ended).Pass));
        Assert.Equal(AlertStatus.Triggered, ended.State.Status);
    }

    [Fact]
    public void SnoozeEndingInThePast_Invalid()
    {
        var snoozed = EscalationDecider.Decide(Start().State, new SnoozeAlert("nurse-7", T0.AddMinutes(1), T0.AddMinutes(1)));

        Assert.Equal(DecisionOutcome.Invalid, snoozed.Outcome);
        Assert.Empty(snoozed.Commands);
    }

    [Fact]
    public void SnoozeScopedToADirection_SilencesNewAlertsInThatDirectionOnly()
    {
        var snoozed = EscalationDecider.Decide(Start().State, new SnoozeAlert("nurse-7", T0.AddMinutes(1), T0.AddMinutes(31), SnoozeReach.Direction));
        var scope = Single<RegisterSnooze>(snoozed).Scope;
        Assert.Equal(new SnoozeScope("patient-1", AlertCategory.VitalSign, AlertDirection.Low, T0.AddMinutes(31), "nurse-7"), scope);

        var low = Start(alert: Alert(T0.AddMinutes(10)), snoozes: scope);
        var high = Start(alert: Alert(T0.AddMinutes(10), direction: AlertDirection.High), snoozes: scope);
        var otherPatient = Start(alert: Alert(T0.AddMinutes(10), patientId: "patient-2"), snoozes: scope);
        var afterwards = Start(alert: Alert(T0.AddMinutes(31)), snoozes: scope);

        Assert.Equal(AlertStatus.Snoozed, low.State.Status);
        Assert.Empty(low.Commands.OfType<NotifyLevel>());
        Assert.Equal((T0.AddMinutes(31), TimerPurpose.SnoozeEnd), (low.State.Timer!.Due, low.State.Timer.Purpose));
        Assert.Single(high.Commands.OfType<NotifyLevel>());
        Assert.Single(otherPatient.Commands.OfType<NotifyLevel>());
        Assert.Single(afterwards.Commands.OfType<NotifyLevel>());
    }

    [Fact]
    public void SnoozeScopedToTheCategory_CoversBothDirections()
    {
        var snoozed = EscalationDecider.Decide(Start().State, new SnoozeAlert("nurse-7", T0.AddMinutes(1), T0.AddMinutes(31), SnoozeReach.Category));

        var scope = Single<RegisterSnooze>(snoozed).Scope;

        Assert.Null(scope.Direction);
        Assert.True(scope.Covers(Alert(T0.AddMinutes(5), direction: AlertDirection.High)));
    }

    [Fact]
    public void ConditionClearsDuringEscalation_AutoResolvesAndTheTimerGoesStale()
    {
        var started = Start().State;

        var cleared = EscalationDecider.Decide(started, new ConditionCleared(T0.AddMinutes(1), "reading-9"));
        var late = EscalationDecider.Decide(cleared.State, new TimerFired(started.Timer!.Id, started.Timer.Due));

        Assert.Equal((AlertStatus.Resolved, EscalationDecider.SystemActor), (cleared.State.Status, cleared.State.ResolvedBy));
        Assert.Contains(cleared.Commands.OfType<RecordStep>(), r => r.Action == "condition-cleared" && r.Detail == "reading-9");
        Assert.IsType<CompleteEscalation>(cleared.Commands[^1]);
        Assert.Equal(DecisionOutcome.StaleTimer, late.Outcome);
    }

    [Fact]
    public void ConditionClearsWithoutAutoResolve_EscalationContinuesUntilSomeoneActs()
    {
        var cleared = EscalationDecider.Decide(Start(Policy(autoResolve: false)).State, new ConditionCleared(T0.AddMinutes(1), "reading-9"));
        var duplicate = EscalationDecider.Decide(cleared.State, new ConditionCleared(T0.AddMinutes(1), "reading-9"));

        Assert.Equal(AlertStatus.Triggered, cleared.State.Status);
        Assert.True(cleared.State.ConditionCleared);
        Assert.Single(FireTimer(cleared.State).Commands.OfType<NotifyLevel>());
        Assert.Equal(DecisionOutcome.Duplicate, duplicate.Outcome);
    }

    [Fact]
    public void ConditionClearedWhileSnoozed_ResolvesAtOnce()
    {
        var snoozed = EscalationDecider.Decide(Start().State, new SnoozeAlert("nurse-7", T0.AddMinutes(1), T0.AddMinutes(31))).State;

        var cleared = EscalationDecider.Decide(snoozed, new ConditionCleared(T0.AddMinutes(5), "reading-9"));

        Assert.Equal(AlertStatus.Resolved, cleared.State.Status);
        Assert.Null(cleared.State.SnoozedUntil);
    }

    [Fact]
    public void PolicyEditedMidFlight_TheAlertKeepsThePolicyItStartedWith()
    {
        var original = Policy();
        var started = Start(original).State;
        var edited = original with { Version = 2, Levels = [new(TimeSpan.FromMinutes(1), [OnCallPhysician], ["pagerduty"])] };

        var next = FireTimer(started);
        var restarted = Start(edited, Alert(T0.AddHours(1)));

        Assert.Equal([Coordinators], Single<NotifyLevel>(next).Targets);
        Assert.Equal(1, next.State.Policy.Version);
        Assert.Equal([OnCallPhysician], Single<NotifyLevel>(restarted).Targets);
    }

    [Fact]
    public void SameInputsReplayed_SameCommandsWithTheSameKeys()
    {
        static IReadOnlyList<EscalationCommand> Run()
        {
            var state = Start(Policy(ackTimeout: TimeSpan.FromMinutes(15))).State;
            var commands = new List<EscalationCommand>();
            foreach (var input in new EscalationInput[] { new AcknowledgeAlert("n", T0.AddMinutes(1)), new ResolveAlert("n", T0.AddMinutes(4)) })
            {
                var decision = EscalationDecider.Decide(state, input);
                commands.AddRange(decision.Commands);
                state = decision.State;
            }

            return commands;
        }

        var first = Run();
        var second = Run();

        Assert.Equal(first.Select(c => c.IdempotencyKey), second.Select(c => c.IdempotencyKey));
        Assert.Equal(first.Count, first.Select(c => c.IdempotencyKey).Distinct().Count());
    }
}
