using IoMT.Core.Adherence;
using IoMT.Core.Escalation;

namespace IoMT.Core.Workflows;

/// <summary>
/// What a host whose workflows run elsewhere (Durable Functions) keeps for the API and for new instances: each alert's
/// latest escalation state, the snooze scopes that silence new alerts, and the medication schedules.
/// </summary>
public interface IWorkflowStore
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

    /// <summary>Saves a medication schedule, replacing the medication's previous one.</summary>
    Task SaveScheduleAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>The patient's medication schedules, by medication id.</summary>
    Task<IReadOnlyList<MedicationSchedule>> ListSchedulesAsync(string patientId, CancellationToken cancellationToken = default);
}
