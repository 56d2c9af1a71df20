using IoMT.Core.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Workflows;

/// <summary>
/// The orchestrators' side effects. Each is idempotent, because Durable runs an activity at least once: states save
/// only when newer, snoozes and timeline entries by key, notifications under their idempotency key.
/// </summary>
public sealed class WorkflowActivities(
    IWorkflowStore escalations, WorkflowEffectRunner effects, DurableWorkflows workflows, ICaregiverLookup caregivers, TimeProvider time)
{
    public const string ActiveSnoozes = nameof(ActiveSnoozes);
    public const string SaveEscalation = nameof(SaveEscalation);
    public const string RunEffect = nameof(RunEffect);
    public const string PublishAlertEvent = nameof(PublishAlertEvent);
    public const string CaregiverReach = nameof(CaregiverReach);

    /// <summary>The patient's running snooze scopes, as JSON, for a new alert's escalation to start under.</summary>
    [Function(ActiveSnoozes)]
    public async Task<string> ActiveSnoozesAsync([ActivityTrigger] string patientId, CancellationToken cancellationToken)
    {
        var scopes = await escalations.ActiveSnoozesAsync(patientId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return DurablePayloads.Write(scopes.ToList());
    }

    /// <summary>Whom the <c>caregiver</c> channel reaches for the patient (their profile's caregivers), as JSON, for an adherence decision.</summary>
    [Function(CaregiverReach)]
    public async Task<string> CaregiverReachAsync([ActivityTrigger] string patientId, CancellationToken cancellationToken) =>
        DurablePayloads.Write(await caregivers.FindAsync(patientId, cancellationToken).ConfigureAwait(false));

    [Function(SaveEscalation)]
    public async Task SaveEscalationAsync([ActivityTrigger] string save, CancellationToken cancellationToken)
    {
        var (state, snoozes) = DurablePayloads.Read<EscalationSave>(save);
        foreach (var snooze in snoozes)
        {
            await escalations.AddSnoozeAsync(snooze.Key, snooze.Scope, cancellationToken).ConfigureAwait(false);
        }

        await escalations.SaveAsync(state, cancellationToken).ConfigureAwait(false);
    }

    [Function(RunEffect)]
    public Task RunEffectAsync([ActivityTrigger] string effect, CancellationToken cancellationToken) =>
        effects.RunAsync(DurablePayloads.Read<WorkflowEffect>(effect), cancellationToken);

    /// <summary>Starts the escalation of an alert an adherence instance raised, or signals its end.</summary>
    [Function(PublishAlertEvent)]
    public Task PublishAlertEventAsync([ActivityTrigger] string alertEvent, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var (raised, cleared) = DurablePayloads.Read<AlertEvent>(alertEvent);
        return workflows.PublishAsync(client, [.. new Core.Alerts.WorkflowEvent?[] { raised, cleared }.OfType<Core.Alerts.WorkflowEvent>()], cancellationToken);
    }
}
