namespace IoMT.Core.Escalation;

/// <summary>
/// Where a host whose escalations run elsewhere (Durable Functions) keeps what the alert API reads and what new
/// alerts must see: each alert's latest escalation state, and the snooze scopes that silence new alerts.
/// </summary>
public interface IEscalationStore
{
    /// <summary>Saves the state unless the store already holds the same or a later one (a higher <see cref="EscalationState.Sequence"/>).</summary>
    Task SaveAsync(EscalationState state, CancellationToken cancellationToken = default);

    Task<EscalationState?> FindAsync(string alertId, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> alerts matching <paramref name="filter"/>, highest priority first, then oldest first.</summary>
    Task<IReadOnlyList<EscalationState>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>Adds a snooze scope; the same <paramref name="key"/> adds it once.</summary>
    Task AddSnoozeAsync(string key, SnoozeScope scope, CancellationToken cancellationToken = default);

    /// <summary>The patient's snooze scopes still running at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<SnoozeScope>> ActiveSnoozesAsync(string patientId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
