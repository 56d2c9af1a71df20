using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Workflows;

/// <summary>
/// Hands ingestion's workflow events to the Durable instances: an alert starts its escalation (once: a redelivered
/// alert finds its instance or its saved state and starts nothing), a cleared condition, a dose or an inhaler puff is
/// raised as an event to the instance it belongs to. Settings that shape an instance (the escalation policy, the
/// follow-up channels) are chosen here, at start, and travel in its input: later edits do not change it.
/// </summary>
public sealed class DurableWorkflows(IWorkflowStore escalations, IOptionsMonitor<WorkflowOptions> options)
{
    public async Task PublishAsync(DurableTaskClient client, IReadOnlyList<WorkflowEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var workflowEvent in events)
        {
            switch (workflowEvent)
            {
                case AlertRaised raised:
                    await StartEscalationAsync(client, raised, cancellationToken).ConfigureAwait(false);
                    break;
                case AlertRegraded regraded:
                    await RaiseIfRunningAsync(client, regraded.AlertId, GradeChanged.From(regraded, options.CurrentValue.Policies), cancellationToken).ConfigureAwait(false);
                    break;
                case AlertCleared cleared:
                    await RaiseIfRunningAsync(client, cleared.AlertId, new ConditionCleared(cleared.At, cleared.ReadingId), cancellationToken).ConfigureAwait(false);
                    break;
                case DoseReported dose:
                    await RaiseIfRunningAsync(client, DurableEvents.AdherenceInstance(dose.PatientId, dose.MedicationId), DurableEvents.Dose,
                        DurablePayloads.Write(dose), cancellationToken).ConfigureAwait(false);
                    break;
                case InhalerActuated puffs:
                    await RaiseIfRunningAsync(client, DurableEvents.AdherenceInstance(puffs.PatientId, puffs.MedicationId), DurableEvents.Inhaler,
                        DurablePayloads.Write(puffs), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Starts the medication's adherence instance, or hands a running one its new schedule.</summary>
    public async Task SaveScheduleAsync(DurableTaskClient client, MedicationSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(schedule);
        var instanceId = DurableEvents.AdherenceInstance(schedule.PatientId, schedule.MedicationId);
        if (await IsRunningAsync(client, instanceId, cancellationToken).ConfigureAwait(false))
        {
            await client.RaiseEventAsync(instanceId, DurableEvents.Schedule, DurablePayloads.Write(schedule), cancellationToken).ConfigureAwait(false);
            return;
        }

        var run = new AdherenceRun(schedule, options.CurrentValue.FollowUps());
        await client.ScheduleNewOrchestrationInstanceAsync(AdherenceOrchestrator.Name, DurablePayloads.Write(run),
            new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
    }

    private async Task StartEscalationAsync(DurableTaskClient client, AlertRaised raised, CancellationToken cancellationToken)
    {
        var instanceId = DurableEvents.EscalationInstance(raised.AlertId);
        if (await escalations.FindAsync(raised.AlertId, cancellationToken).ConfigureAwait(false) is not null
            || await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var run = new EscalationRun(raised, DefaultEscalationPolicies.For(options.CurrentValue.Policies, raised));
        await client.ScheduleNewOrchestrationInstanceAsync(EscalationOrchestrator.Name, DurablePayloads.Write(run),
            new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
    }

    private static Task RaiseIfRunningAsync(DurableTaskClient client, string alertId, EscalationInput input, CancellationToken cancellationToken)
    {
        var (name, payload) = DurableEvents.For(input);
        return RaiseIfRunningAsync(client, DurableEvents.EscalationInstance(alertId), name, payload, cancellationToken);
    }

    /// <summary>Raises the event if the instance exists and has not ended (an ended escalation or a medication without a schedule has nothing to tell).</summary>
    private static async Task RaiseIfRunningAsync(DurableTaskClient client, string instanceId, string name, string payload, CancellationToken cancellationToken)
    {
        if (await IsRunningAsync(client, instanceId, cancellationToken).ConfigureAwait(false))
        {
            await client.RaiseEventAsync(instanceId, name, payload, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> IsRunningAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is { IsCompleted: false };
}
