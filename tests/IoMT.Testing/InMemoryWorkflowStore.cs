using System.Collections.Concurrent;
using IoMT.Core.Adherence;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;

namespace IoMT.Testing;

/// <summary>An <see cref="IWorkflowStore"/> in memory, with the semantics of the Cosmos DB one (passes <see cref="WorkflowStoreContract"/>).</summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private readonly ConcurrentDictionary<string, EscalationState> _alerts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SnoozeScope> _snoozes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), MedicationSchedule> _schedules = new();

    public IReadOnlyDictionary<string, EscalationState> Alerts => _alerts;

    public Task SaveAsync(EscalationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        _alerts.AddOrUpdate(state.Alert.AlertId, state, (_, stored) => stored.Sequence >= state.Sequence ? stored : state);
        return Task.CompletedTask;
    }

    public Task<EscalationState?> FindAsync(string alertId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_alerts.GetValueOrDefault(alertId));

    public Task<IReadOnlyList<EscalationState>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Task.FromResult<IReadOnlyList<EscalationState>>([.. _alerts.Values
            .Where(s => (filter.Statuses ?? AlertFilter.Open).Contains(s.Status))
            .Where(s => filter.Priority is null || filter.Priority == s.Alert.Priority)
            .Where(s => filter.PatientIds is null || filter.PatientIds.Contains(s.Alert.PatientId))
            .OrderByDescending(s => s.Alert.Priority).ThenBy(s => s.Alert.At)
            .Take(limit)]);
    }

    public Task AddSnoozeAsync(string key, SnoozeScope scope, CancellationToken cancellationToken = default)
    {
        _snoozes[key] = scope;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SnoozeScope>> ActiveSnoozesAsync(string patientId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SnoozeScope>>([.. _snoozes.Values.Where(s => s.PatientId == patientId && s.Until > now)]);

    public Task SaveScheduleAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedules[(schedule.PatientId, schedule.MedicationId)] = schedule;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<MedicationSchedule>> ListSchedulesAsync(string patientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<MedicationSchedule>>([.. _schedules.Values.Where(s => s.PatientId == patientId).OrderBy(s => s.MedicationId, StringComparer.Ordinal)]);
}
