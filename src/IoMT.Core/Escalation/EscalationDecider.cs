using IoMT.Core.Alerts;
using IoMT.Core.Timeline;

namespace IoMT.Core.Escalation;

/// <summary>
/// The escalation of one alert as a pure decider: <see cref="Start"/> on the alert, then (state, input) → (state,
/// commands). The shells (the local engine, the Durable Functions orchestrator) persist the state, run the commands
/// and feed back timers and people's actions; they decide nothing. Each command carries an idempotency key derived
/// from the alert id and a sequence number, so replaying the same inputs yields the same commands.
/// </summary>
public static class EscalationDecider
{
    /// <summary>The actor of steps nobody took (timers, cleared conditions).</summary>
    public const string SystemActor = "system";

    public static EscalationDecision Start(AlertRaised alert, EscalationPolicy policy, IEnumerable<SnoozeScope> activeSnoozes)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(activeSnoozes);
        var step = new Step(new EscalationState { Alert = alert, Policy = policy });
        var snooze = activeSnoozes.Where(s => s.Covers(alert)).MaxBy(s => s.Until);
        var raisedAt = alert.EscalationStart;
        if (snooze is null)
        {
            step.NotifyLevel(0, 0, raisedAt);
        }
        else
        {
            step.State = step.State with { Status = AlertStatus.Snoozed, SnoozedUntil = snooze.Until };
            step.Record(TimelineEntryType.Snooze, "snoozed", snooze.By, raisedAt, $"raised while snoozed until {Validation.Rfc3339.Format(snooze.Until)}");
            step.Schedule(snooze.Until, TimerPurpose.SnoozeEnd);
        }

        return step.Done();
    }

    public static EscalationDecision Decide(EscalationState state, EscalationInput input)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        if (state.Status == AlertStatus.Resolved)
        {
            return Ignore(state, input is TimerFired ? DecisionOutcome.StaleTimer : DecisionOutcome.AlreadyResolved);
        }

        var step = new Step(state);
        switch (input)
        {
            case TimerFired fired when state.Timer?.Id != fired.TimerId:
                return Ignore(state, DecisionOutcome.StaleTimer);
            case TimerFired fired:
                step.State = state with { Timer = null };
                OnTimer(step, state.Timer!.Purpose, fired.At);
                break;
            case AcknowledgeAlert when state.Status == AlertStatus.Acknowledged:
                return Ignore(state, DecisionOutcome.Duplicate);
            case AcknowledgeAlert ack:
                step.CancelTimer();
                step.State = step.State with { Status = AlertStatus.Acknowledged, AcknowledgedBy = ack.By, AcknowledgedAt = ack.At, SnoozedUntil = null };
                step.Record(TimelineEntryType.Acknowledgement, "acknowledged", ack.By, ack.At);
                step.NotifyStatus(AlertStatus.Acknowledged);
                if (state.Policy.AckTimeout is { } timeout)
                {
                    step.Schedule(ack.At + timeout, TimerPurpose.AckTimeout);
                }

                break;
            case ResolveAlert resolve:
                step.Resolve(resolve.By, resolve.At, resolve.Note);
                break;
            case SnoozeAlert snooze when snooze.Until <= snooze.At:
                return Ignore(state, DecisionOutcome.Invalid);
            case SnoozeAlert snooze:
                Snooze(step, snooze);
                break;
            case GradeChanged grade when grade.RuleId == state.Alert.RuleId:
                return Ignore(state, DecisionOutcome.Duplicate);
            case GradeChanged grade:
                Regrade(step, grade);
                break;
            case ConditionCleared when state.ConditionCleared:
                return Ignore(state, DecisionOutcome.Duplicate);
            case ConditionCleared cleared:
                step.State = step.State with { ConditionCleared = true };
                step.Record(TimelineEntryType.Escalation, "condition-cleared", SystemActor, cleared.At, cleared.ReadingId);
                if (state.Policy.AutoResolveOnClear)
                {
                    step.Resolve(SystemActor, cleared.At, "condition cleared");
                }

                break;
            default:
                throw new ArgumentException($"Unknown escalation input {input.GetType().Name}.", nameof(input));
        }

        return step.Done();
    }

    private static void OnTimer(Step step, TimerPurpose purpose, DateTimeOffset at)
    {
        var state = step.State;
        switch (purpose)
        {
            case TimerPurpose.Escalate when state.Level + 1 < state.Policy.Levels.Count:
                step.NotifyLevel(state.Level + 1, state.Pass, at);
                break;
            case TimerPurpose.Escalate when state.Pass < state.Policy.Repeats:
                step.NotifyLevel(0, state.Pass + 1, at);
                break;
            case TimerPurpose.Escalate:
                step.State = state with { Exhausted = true };
                step.Record(TimelineEntryType.Escalation, "exhausted", SystemActor, at, $"no acknowledgement after {state.Pass + 1} pass(es) of {state.Policy.Levels.Count} level(s)");
                break;
            case TimerPurpose.AckTimeout:
                step.Record(TimelineEntryType.Escalation, "acknowledgement-timed-out", SystemActor, at);
                step.NotifyLevel(0, 0, at);
                break;
            case TimerPurpose.SnoozeEnd when state.ConditionCleared && state.Policy.AutoResolveOnClear:
                step.Resolve(SystemActor, at, "condition cleared while snoozed");
                break;
            case TimerPurpose.SnoozeEnd:
                step.State = state with { SnoozedUntil = null };
                step.Record(TimelineEntryType.Snooze, "snooze-ended", SystemActor, at);
                step.NotifyLevel(0, 0, at);
                break;
        }
    }

    /// <summary>
    /// The alert takes the new grade in place. A worse one tells everyone notified so far and, when the new priority's
    /// policy differs, moves to it: the next level comes no later than that policy's wait. A milder one notifies nobody
    /// and keeps the escalation as it is.
    /// </summary>
    private static void Regrade(Step step, GradeChanged grade)
    {
        var before = step.State.Alert;
        var worse = grade.Priority > before.Priority;
        step.State = step.State with { Alert = before with { RuleId = grade.RuleId, Title = grade.Title, Priority = grade.Priority, Value = grade.Value, Limit = grade.Limit } };
        step.Record(TimelineEntryType.Escalation, worse ? "priority-raised" : "priority-lowered", SystemActor, grade.At,
            $"{before.RuleId} ({before.Priority.ToString().ToLowerInvariant()}) to {grade.RuleId} ({grade.Priority.ToString().ToLowerInvariant()}), reading {grade.ReadingId}");
        if (!worse)
        {
            return;
        }

        if (grade.Policy.Id != step.State.Policy.Id || grade.Policy.Version != step.State.Policy.Version)
        {
            MovePolicy(step, grade.Policy, grade.At);
        }

        step.NotifyAgain();
    }

    private static void MovePolicy(Step step, EscalationPolicy policy, DateTimeOffset at)
    {
        var state = step.State;
        var level = Math.Min(state.Level, policy.Levels.Count - 1);
        step.State = state with { Policy = policy, Level = level, Pass = Math.Min(state.Pass, policy.Repeats) };
        step.Record(TimelineEntryType.Escalation, "policy-changed", SystemActor, at, $"{policy.Id} v{policy.Version}");
        var due = at + policy.Levels[level].EscalateAfter;
        if (state.Timer is { Purpose: TimerPurpose.Escalate } timer && due < timer.Due)
        {
            step.CancelTimer();
            step.Schedule(due, TimerPurpose.Escalate);
        }
    }

    private static void Snooze(Step step, SnoozeAlert snooze)
    {
        var alert = step.State.Alert;
        step.CancelTimer();
        step.State = step.State with { Status = AlertStatus.Snoozed, SnoozedUntil = snooze.Until };
        step.Record(TimelineEntryType.Snooze, "snoozed", snooze.By, snooze.At, $"until {Validation.Rfc3339.Format(snooze.Until)}, reach {snooze.Reach.ToString().ToLowerInvariant()}");
        step.Schedule(snooze.Until, TimerPurpose.SnoozeEnd);
        if (snooze.Reach != SnoozeReach.Alert)
        {
            var direction = snooze.Reach == SnoozeReach.Direction && alert.Direction != AlertDirection.None ? alert.Direction : (AlertDirection?)null;
            step.Add(key => new RegisterSnooze(key, new SnoozeScope(alert.PatientId, alert.Category, direction, snooze.Until, snooze.By)));
        }
    }

    private static EscalationDecision Ignore(EscalationState state, DecisionOutcome outcome) => new(state, [], outcome);

    /// <summary>One transition being built: the state so far and the commands issued, each with the next sequence number.</summary>
    private sealed class Step(EscalationState state)
    {
        private readonly List<EscalationCommand> _commands = [];

        public EscalationState State { get; set; } = state;

        public void Add(Func<string, EscalationCommand> command)
        {
            var sequence = State.Sequence + 1;
            State = State with { Sequence = sequence };
            _commands.Add(command($"{State.Alert.AlertId}:{sequence:D4}"));
        }

        public void NotifyLevel(int level, int pass, DateTimeOffset at)
        {
            var policyLevel = State.Policy.Levels[level];
            State = State with
            {
                Status = AlertStatus.Triggered,
                Level = level,
                Pass = pass,
                Notified = [.. State.Notified.Union(policyLevel.Targets)],
                Channels = [.. State.Channels.Union(policyLevel.Channels, StringComparer.Ordinal)],
            };
            Add(key => new NotifyLevel(key, State.Alert.AlertId, level, pass, policyLevel.Targets, policyLevel.Channels));
            Record(TimelineEntryType.Escalation, "level-notified", SystemActor, at,
                $"level {level + 1}, pass {pass + 1}: {string.Join(", ", policyLevel.Targets)} by {string.Join(", ", policyLevel.Channels)}");
            Schedule(at + policyLevel.EscalateAfter, TimerPurpose.Escalate);
        }

        /// <summary>Tells everyone notified so far that the alert needs them (again), without moving the escalation.</summary>
        public void NotifyAgain()
        {
            if (State.Notified.Count > 0)
            {
                Add(key => new NotifyLevel(key, State.Alert.AlertId, State.Level, State.Pass, State.Notified, State.Channels));
            }
        }

        public void NotifyStatus(AlertStatus status)
        {
            if (State.Notified.Count > 0)
            {
                Add(key => new NotifyStatus(key, State.Alert.AlertId, status, State.Notified, State.Channels));
            }
        }

        public void Schedule(DateTimeOffset due, TimerPurpose purpose) => Add(key =>
        {
            var timer = new PendingTimer(key, due, purpose);
            State = State with { Timer = timer };
            return new ScheduleTimer(key, timer);
        });

        public void CancelTimer()
        {
            if (State.Timer is { } timer)
            {
                State = State with { Timer = null };
                Add(key => new CancelTimer(key, timer.Id));
            }
        }

        public void Record(TimelineEntryType type, string action, string actor, DateTimeOffset at, string? detail = null) =>
            Add(key => new RecordStep(key, State.Alert.AlertId, type, action, actor, at, detail));

        public void Resolve(string by, DateTimeOffset at, string? note)
        {
            CancelTimer();
            State = State with { Status = AlertStatus.Resolved, ResolvedBy = by, ResolvedAt = at, SnoozedUntil = null };
            Record(TimelineEntryType.Resolution, "resolved", by, at, note);
            NotifyStatus(AlertStatus.Resolved);
            Add(key => new CompleteEscalation(key, State.Alert.AlertId));
        }

        public EscalationDecision Done() => new(State, _commands);
    }
}
