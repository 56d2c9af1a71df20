using IoMT.Core.Alerts;

namespace IoMT.Core.Escalation;

/// <summary>
/// An alert as the inbox shows it: what was raised, where its escalation stands, who acted on it. <see cref="RaisedAt"/>
/// is when the product raised it (its own clock; escalation counts from it), <see cref="OnsetAt"/> when the episode
/// began by the readings' times (the device's clock); <see cref="Notified"/> the targets notified so far (e.g. <c>role:nurse</c>);
/// <see cref="Code"/> the coded value that raised a code rule (e.g. the ECG rhythm <c>AF</c>), where <see cref="Value"/> is null;
/// <see cref="Limit"/> the limit the value crossed, as the patient's rule had it then.
/// </summary>
public sealed record AlertView(
    string AlertId,
    string PatientId,
    string RuleId,
    string Title,
    AlertPriority Priority,
    AlertCategory Category,
    AlertDirection Direction,
    AlertStatus Status,
    DateTimeOffset RaisedAt,
    double? Value,
    string Unit,
    string PolicyId,
    int PolicyVersion,
    int Level,
    int Pass,
    bool Exhausted,
    bool ConditionCleared,
    DateTimeOffset? NextStepAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ResolvedBy,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? SnoozedUntil,
    DateTimeOffset OnsetAt,
    IReadOnlyList<string> Notified,
    string? Code = null,
    double? Limit = null)
{
    public static AlertView From(EscalationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var alert = state.Alert;
        return new AlertView(alert.AlertId, alert.PatientId, alert.RuleId, alert.Title, alert.Priority, alert.Category, alert.Direction, state.Status,
            alert.EscalationStart, alert.Value, alert.Unit, state.Policy.Id, state.Policy.Version, state.Level + 1, state.Pass + 1, state.Exhausted,
            state.ConditionCleared, state.Timer?.Due, state.AcknowledgedBy, state.AcknowledgedAt, state.ResolvedBy, state.ResolvedAt,
            state.SnoozedUntil, alert.EpisodeStart, [.. state.Notified.Select(target => target.ToString())], alert.Code, alert.Limit);
    }
}

/// <summary>Which alerts to list: by status (none: all but resolved), priority and patients; in any order (stores sort).</summary>
public sealed record AlertFilter(IReadOnlyCollection<AlertStatus>? Statuses = null, AlertPriority? Priority = null, IReadOnlyCollection<string>? PatientIds = null)
{
    public static IReadOnlyCollection<AlertStatus> Open { get; } = [AlertStatus.Triggered, AlertStatus.Acknowledged, AlertStatus.Snoozed];
}

/// <summary>
/// The alerts' escalations as a host runs them: read the alerts, and hand people's actions to an alert's escalation.
/// The local engine applies an action at once; Durable Functions queue it as an external event to the alert's instance.
/// </summary>
public interface IAlertWorkflows
{
    Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> alerts matching <paramref name="filter"/>, highest priority first, then oldest first.</summary>
    Task<IReadOnlyList<AlertView>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>Delivers an action to the alert's escalation: what it did, or <see cref="DecisionOutcome.Applied"/> once queued where it runs later.</summary>
    Task<DecisionOutcome> SendAsync(string alertId, EscalationInput input, CancellationToken cancellationToken = default);
}
