using IoMT.Core.Adherence;
using IoMT.Core.Workflows;

namespace IoMT.Functions.Workflows;

/// <summary>Medication schedules in Azure: kept in the workflow store for the API, and handed to the medication's adherence instance.</summary>
public sealed class DurableMedicationSchedules(IWorkflowStore store, DurableWorkflows workflows, DurableClientAccessor durable) : IMedicationSchedules
{
    public async Task SaveAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await store.SaveScheduleAsync(schedule, cancellationToken).ConfigureAwait(false);
        await workflows.SaveScheduleAsync(durable.Client, schedule, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<MedicationSchedule>> ListAsync(string patientId, CancellationToken cancellationToken = default) =>
        store.ListSchedulesAsync(patientId, cancellationToken);
}
