using IoMT.Core.Alerts;

namespace IoMT.Core.Escalation;

public enum AlertStatus
{
    Triggered,
    Acknowledged,
    Snoozed,
    Resolved,
}

/// <summary>What a pending timer is for.</summary>
public enum TimerPurpose
{
    /// <summary>Escalate to the next level (or the next pass).</summary>
    Escalate,

    /// <summary>The acknowledgement timed out: trigger again.</summary>
    AckTimeout,

    /// <summary>The snooze ended.</summary>
    SnoozeEnd,
}

public sealed record PendingTimer(string Id, DateTimeOffset Due, TimerPurpose Purpose);

/// <summary>
/// A snooze that also silences new alerts: of one patient and category until <see cref="Until"/>, in one direction
/// only when <see cref="Direction"/> is set (e.g. high glucose after a meal while lows still alert).
/// </summary>
public sealed record SnoozeScope(string PatientId, AlertCategory Category, AlertDirection? Direction, DateTimeOffset Until, string By)
{
    public bool Covers(AlertRaised alert) =>
        alert is not null && alert.PatientId == PatientId && alert.Category == Category
        && (Direction is null || Direction == alert.Direction) && alert.EscalationStart < Until;
}

/// <summary>What happens to an alert's escalation, from outside: people act on it, timers fire, its condition clears.</summary>
public abstract record EscalationInput(DateTimeOffset At);

public sealed record TimerFired(string TimerId, DateTimeOffset At) : EscalationInput(At);

public sealed record AcknowledgeAlert(string By, DateTimeOffset At) : EscalationInput(At);

public sealed record ResolveAlert(string By, DateTimeOffset At, string? Note = null) : EscalationInput(At);

/// <summary>How far a snooze reaches beyond the alert snoozed.</summary>
public enum SnoozeReach
{
    /// <summary>This alert only.</summary>
    Alert,

    /// <summary>Also new alerts of the patient in the same category and direction (high or low).</summary>
    Direction,

    /// <summary>Also new alerts of the patient in the same category, either direction.</summary>
    Category,
}

public sealed record SnoozeAlert(string By, DateTimeOffset At, DateTimeOffset Until, SnoozeReach Reach = SnoozeReach.Alert) : EscalationInput(At);

/// <summary>The alert's condition cleared (from ingestion's <see cref="AlertCleared"/>).</summary>
public sealed record ConditionCleared(DateTimeOffset At, string ReadingId) : EscalationInput(At);

/// <summary>
/// The alert's rule family moved to another grade (from ingestion's <see cref="AlertRegraded"/>). <see cref="Policy"/> is
/// the policy the host would choose for the new priority: a worse grade moves the alert to it when it differs.
/// </summary>
public sealed record GradeChanged(DateTimeOffset At, string RuleId, string Title, AlertPriority Priority, double? Value, string ReadingId, EscalationPolicy Policy,
    double? Limit = null)
    : EscalationInput(At)
{
    /// <summary>The input for <paramref name="regraded"/>, with the policy configured for its new priority.</summary>
    public static GradeChanged From(AlertRegraded regraded, IReadOnlyCollection<EscalationPolicy> configured)
    {
        ArgumentNullException.ThrowIfNull(regraded);
        return new(regraded.RegradedAt, regraded.RuleId, regraded.Title, regraded.Priority, regraded.Value, regraded.ReadingId,
            DefaultEscalationPolicies.For(configured, regraded.Priority, regraded.Category), regraded.Limit);
    }
}

/// <summary>Where one alert's escalation stands. Holds the policy it started with, so later edits do not change it.</summary>
public sealed record EscalationState
{
    public required AlertRaised Alert { get; init; }

    public required EscalationPolicy Policy { get; init; }

    public AlertStatus Status { get; init; }

    /// <summary>The level last notified, in pass <see cref="Pass"/> (0 = the first pass).</summary>
    public int Level { get; init; }

    public int Pass { get; init; }

    /// <summary>Every level of every pass has been notified and nobody acknowledged: escalation stopped.</summary>
    public bool Exhausted { get; init; }

    public PendingTimer? Timer { get; init; }

    /// <summary>Commands issued so far: makes every idempotency key and timer id unique and deterministic.</summary>
    public int Sequence { get; init; }

    public bool ConditionCleared { get; init; }

    /// <summary>Everyone notified so far (told again when the alert is acknowledged or resolved).</summary>
    public IReadOnlyList<EscalationTarget> Notified { get; init; } = [];

    /// <summary>The channels used so far.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? ResolvedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public DateTimeOffset? SnoozedUntil { get; init; }
}

/// <summary>What the shell must do. <see cref="IdempotencyKey"/> is stable, so an effect run twice is recorded once.</summary>
public abstract record EscalationCommand(string IdempotencyKey);

/// <summary>Notify a level's targets that the alert needs them.</summary>
public sealed record NotifyLevel(string IdempotencyKey, string AlertId, int Level, int Pass, IReadOnlyList<EscalationTarget> Targets, IReadOnlyList<string> Channels)
    : EscalationCommand(IdempotencyKey);

/// <summary>Tell everyone notified so far that the alert was acknowledged or resolved (PagerDuty acknowledge/resolve, console).</summary>
public sealed record NotifyStatus(string IdempotencyKey, string AlertId, AlertStatus Status, IReadOnlyList<EscalationTarget> Targets, IReadOnlyList<string> Channels)
    : EscalationCommand(IdempotencyKey);

public sealed record ScheduleTimer(string IdempotencyKey, PendingTimer Timer) : EscalationCommand(IdempotencyKey);

public sealed record CancelTimer(string IdempotencyKey, string TimerId) : EscalationCommand(IdempotencyKey);

/// <summary>Silence new alerts in this scope until it ends (the shell keeps active scopes and passes them to <see cref="EscalationDecider.Start"/>).</summary>
public sealed record RegisterSnooze(string IdempotencyKey, SnoozeScope Scope) : EscalationCommand(IdempotencyKey);

/// <summary>An entry for the patient's timeline and the audit log: who did what, when.</summary>
public sealed record RecordStep(string IdempotencyKey, string AlertId, Timeline.TimelineEntryType Type, string Action, string Actor, DateTimeOffset At, string? Detail = null)
    : EscalationCommand(IdempotencyKey);

/// <summary>The escalation is over (the alert is resolved): the instance may end.</summary>
public sealed record CompleteEscalation(string IdempotencyKey, string AlertId) : EscalationCommand(IdempotencyKey);

/// <summary>Whether an input changed anything; an ignored one says why (for the API's answer).</summary>
public enum DecisionOutcome
{
    Applied,
    Duplicate,
    AlreadyResolved,
    StaleTimer,
    Invalid,
}

public sealed record EscalationDecision(EscalationState State, IReadOnlyList<EscalationCommand> Commands, DecisionOutcome Outcome = DecisionOutcome.Applied);
