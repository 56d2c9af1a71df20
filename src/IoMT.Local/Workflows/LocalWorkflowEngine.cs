using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Pipeline;
using IoMT.Core.Workflows;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace IoMT.Local.Workflows;

/// <summary>
/// The local durable workflow engine: runs the escalation and adherence deciders with their state, pending timers and
/// outbox in SQLite. Every input (an alert event from ingestion, a person's action, a timer) is decided in one durable
/// transaction that saves the new state, its timer and its effects together, so a crash either loses the input before
/// anyone was told it was taken (ingestion redelivers it; API callers get an error) or keeps all of it. Effects run
/// afterwards, at least once (<see cref="WorkflowRunner"/>).
/// </summary>
public sealed class LocalWorkflowEngine(
    SqliteWorkflowStore store, IOptionsMonitor<WorkflowOptions> options, ICaregiverLookup caregivers, WorkflowSignal signal, TimeProvider time)
    : IWorkflowEventSink, IAlertWorkflows, IMedicationSchedules
{
    private const int DueBatch = 100;

    public async Task PublishAsync(IReadOnlyList<WorkflowEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        var patients = events.Select(e => e switch { DoseReported dose => dose.PatientId, InhalerActuated puffs => puffs.PatientId, _ => null }).OfType<string>();
        var reach = await LookUpAsync(settings, patients, cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(writer =>
        {
            foreach (var workflowEvent in events)
            {
                Apply(writer, workflowEvent, settings, reach, now);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        signal.Set();
    }

    public Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.FindEscalation(alertId) is { } state ? AlertView.From(state) : null);

    public Task<IReadOnlyList<AlertView>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AlertView>>([.. store.ListEscalations(filter, limit).Select(AlertView.From)]);

    public async Task<DecisionOutcome> SendAsync(string alertId, EscalationInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = time.GetUtcNow();
        var outcome = await store.WriteAsync(writer =>
        {
            if (writer.FindEscalation(alertId) is not { } state)
            {
                return DecisionOutcome.Invalid;
            }

            var decision = EscalationDecider.Decide(state, input);
            Save(writer, decision, input.At, now);
            return decision.Outcome;
        }, cancellationToken).ConfigureAwait(false);
        signal.Set();
        return outcome;
    }

    public Task<IReadOnlyList<MedicationSchedule>> ListAsync(string patientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.ListSchedules(patientId));

    /// <summary>Saves a medication schedule; its adherence starts afresh under it (doses before <see cref="MedicationSchedule.EffectiveFrom"/> are not chased).</summary>
    public async Task SaveAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        var reach = await LookUpAsync(settings, [schedule.PatientId], cancellationToken).ConfigureAwait(false);
        await store.WriteAsync(writer =>
        {
            writer.SaveSchedule(schedule);
            SaveAdherence(writer, AdherenceDecider.Start(schedule, now, settings.FollowUps(), reach.GetValueOrDefault(schedule.PatientId)), settings, reach, now);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        signal.Set();
    }

    /// <summary>Fires every escalation timer and adherence wake-up due at <paramref name="now"/> (late ones, after downtime, at once); returns how many.</summary>
    public async Task<int> FireDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var fired = 0;
        foreach (var alertId in store.DueEscalations(now, DueBatch))
        {
            fired += await store.WriteAsync(writer =>
            {
                if (writer.FindEscalation(alertId) is not { Timer: { } timer } state || timer.Due > now)
                {
                    return 0;
                }

                Save(writer, EscalationDecider.Decide(state, new TimerFired(timer.Id, now)), now, now);
                return 1;
            }, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (patientId, medicationId) in store.DueAdherence(now, DueBatch))
        {
            var reach = await LookUpAsync(settings, [patientId], cancellationToken).ConfigureAwait(false);
            fired += await store.WriteAsync(writer =>
            {
                if (writer.FindAdherence(patientId, medicationId) is not { WakeAt: { } wake } state || wake > now)
                {
                    return 0;
                }

                SaveAdherence(writer, AdherenceDecider.Decide(state, new AdherenceTick(now), settings.FollowUps(), reach.GetValueOrDefault(patientId)), settings, reach, now);
                return 1;
            }, cancellationToken).ConfigureAwait(false);
        }

        return fired;
    }

    /// <summary>
    /// Whom the <c>caregiver</c> channel reaches for each of <paramref name="patients"/>, looked up before the transaction
    /// (the decider stays pure); nothing when no caregiver follow-up goes through that channel.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, CaregiverReach>> LookUpAsync(WorkflowOptions settings, IEnumerable<string> patients, CancellationToken cancellationToken)
    {
        var reach = new Dictionary<string, CaregiverReach>(StringComparer.Ordinal);
        if (settings.CaregiverFollowUpChannels.Contains(CaregiverReach.Channel, StringComparer.Ordinal))
        {
            foreach (var patientId in patients.Distinct(StringComparer.Ordinal))
            {
                reach[patientId] = await caregivers.FindAsync(patientId, cancellationToken).ConfigureAwait(false);
            }
        }

        return reach;
    }

    private static void Apply(
        WorkflowWriter writer, WorkflowEvent workflowEvent, WorkflowOptions settings, IReadOnlyDictionary<string, CaregiverReach> reach, DateTimeOffset now)
    {
        switch (workflowEvent)
        {
            case AlertRaised raised when writer.FindEscalation(raised.AlertId) is null:
                var policy = DefaultEscalationPolicies.For(settings.Policies, raised);
                Save(writer, EscalationDecider.Start(raised, policy, writer.ActiveSnoozes(raised.PatientId, now)), raised.EscalationStart, now);
                break;
            case AlertRegraded regraded when writer.FindEscalation(regraded.AlertId) is { } open:
                Save(writer, EscalationDecider.Decide(open, GradeChanged.From(regraded, settings.Policies)), regraded.RegradedAt, now);
                break;
            case AlertCleared cleared when writer.FindEscalation(cleared.AlertId) is { } state:
                Save(writer, EscalationDecider.Decide(state, new ConditionCleared(cleared.At, cleared.ReadingId)), cleared.At, now);
                break;
            case DoseReported dose:
                Adhere(writer, dose.PatientId, dose.MedicationId, new DoseInput(dose), settings, reach, now);
                break;
            case InhalerActuated puffs:
                Adhere(writer, puffs.PatientId, puffs.MedicationId, new InhalerInput(puffs), settings, reach, now);
                break;
        }
    }

    private static void Save(WorkflowWriter writer, EscalationDecision decision, DateTimeOffset at, DateTimeOffset now)
    {
        if (decision.Outcome != DecisionOutcome.Applied)
        {
            return;
        }

        writer.SaveEscalation(decision.State);
        foreach (var snooze in decision.Commands.OfType<RegisterSnooze>())
        {
            writer.AddSnooze(snooze.Scope, now);
        }

        writer.Enqueue(WorkflowEffects.For(decision.State, decision.Commands, at), now);
    }

    /// <summary>A dose or puff for a medication with a schedule; without one it stays a reading on the timeline.</summary>
    private static void Adhere(
        WorkflowWriter writer, string patientId, string medicationId, AdherenceInput input, WorkflowOptions settings,
        IReadOnlyDictionary<string, CaregiverReach> reach, DateTimeOffset now)
    {
        var caregivers = reach.GetValueOrDefault(patientId);
        if (writer.FindSchedule(patientId, medicationId) is not { } schedule)
        {
            return;
        }

        var state = writer.FindAdherence(patientId, medicationId);
        if (state is null)
        {
            var started = AdherenceDecider.Start(schedule, now, settings.FollowUps(), caregivers);
            SaveAdherence(writer, started, settings, reach, now);
            state = started.State;
        }

        SaveAdherence(writer, AdherenceDecider.Decide(state, input, settings.FollowUps(), caregivers), settings, reach, now);
    }

    private static void SaveAdherence(
        WorkflowWriter writer, AdherenceDecision decision, WorkflowOptions settings, IReadOnlyDictionary<string, CaregiverReach> reach, DateTimeOffset now)
    {
        writer.SaveAdherence(decision.State);
        writer.Enqueue(WorkflowEffects.For(decision.State, decision.Commands, settings.FollowUps(), reach.GetValueOrDefault(decision.State.Schedule.PatientId)), now);
        foreach (var publish in decision.Commands.OfType<PublishAlertEvent>())
        {
            Apply(writer, publish.Event, settings, reach, now);
        }
    }
}
