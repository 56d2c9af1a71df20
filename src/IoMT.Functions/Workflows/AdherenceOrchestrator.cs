using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace IoMT.Functions.Workflows;

/// <summary>
/// One patient's medication (instance id <c>adherence:{patient}:{medication}</c>), a thin loop over
/// <see cref="AdherenceDecider"/>: race dose and inhaler readings and schedule changes (external events) against the
/// next wake-up, feed the winner to the decider, run the effects and start or end overuse alerts as activities. It
/// lives as long as the schedule, continuing as new every <see cref="OrchestrationSteps.DecisionsPerGeneration"/>
/// decisions so its history stays short.
/// </summary>
public static partial class AdherenceOrchestrator
{
    public const string Name = nameof(AdherenceOrchestrator);

#pragma warning disable CA2007 // Orchestrator awaits must resume on the Durable dispatch thread.
    [Function(Name)]
    public static async Task RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var log = context.CreateReplaySafeLogger(Name);
        var run = DurablePayloads.Read<AdherenceRun>(context.GetInput<string>());
        var events = new EventRace(context, DurableEvents.Adherence, run.Received);
        var unfinished = await OrchestrationSteps.RunAsync(context, run.Unfinished ?? []);
        var state = run.State;
        if (state is null)
        {
            var now = OrchestrationSteps.Now(context);
            if (await DecideAsync(context, run, reach => AdherenceDecider.Start(run.Schedule, now, run.FollowUps, reach)) is not { } start)
            {
                context.ContinueAsNew(DurablePayloads.Write(run with { Unfinished = unfinished, Received = events.Untaken() }));
                return;
            }

            state = start.Decision.State;
            unfinished = await OrchestrationSteps.RunAsync(context, Calls(start, run));
        }

        for (var decisions = 0; ; decisions++)
        {
            if (unfinished.Count > 0 || decisions >= OrchestrationSteps.DecisionsPerGeneration)
            {
                context.ContinueAsNew(DurablePayloads.Write(run with { State = state, Unfinished = unfinished, Received = events.Untaken() }));
                return;
            }

            var next = await events.NextAsync(state.WakeAt);
            if (next is (DurableEvents.Schedule, var payload))
            {
                // A new schedule starts afresh: doses before it took effect are not chased.
                var schedule = DurableEvents.Read(() => DurablePayloads.Read<MedicationSchedule>(payload));
                if (schedule is not null)
                {
                    run = run with { Schedule = schedule };
                    var now = OrchestrationSteps.Now(context);
                    if (await DecideAsync(context, run, reach => AdherenceDecider.Start(schedule, now, run.FollowUps, reach)) is not { } restart)
                    {
                        // The next generation starts afresh under the new schedule.
                        context.ContinueAsNew(DurablePayloads.Write(run with { State = null, Received = events.Untaken() }));
                        return;
                    }

                    state = restart.Decision.State;
                    unfinished = await OrchestrationSteps.RunAsync(context, Calls(restart, run));
                    Log.Rescheduled(log, context.InstanceId);
                    continue;
                }
            }

            AdherenceInput? input = next switch
            {
                null => new AdherenceTick(OrchestrationSteps.Now(context)),
                (DurableEvents.Dose, var json) => DurableEvents.Read(() => DurablePayloads.Read<DoseReported>(json)) is { } dose ? new DoseInput(dose) : null,
                (DurableEvents.Inhaler, var json) => DurableEvents.Read(() => DurablePayloads.Read<InhalerActuated>(json)) is { } puffs ? new InhalerInput(puffs) : null,
                _ => null,
            };
            if (input is null)
            {
                Log.UnreadableEvent(log, context.InstanceId, next!.Value.Name);
                continue;
            }

            var current = state;
            if (await DecideAsync(context, run, reach => AdherenceDecider.Decide(current, input, run.FollowUps, reach)) is not { } decided)
            {
                // Taken again first by the next generation (a timer's wake-up is due there at once).
                var retake = next is { } taken ? [new ReceivedEvent(taken.Name, taken.Payload)] : Array.Empty<ReceivedEvent>();
                context.ContinueAsNew(DurablePayloads.Write(run with { State = state, Unfinished = [], Received = [.. retake, .. events.Untaken()] }));
                return;
            }

            state = decided.Decision.State;
            unfinished = await OrchestrationSteps.RunAsync(context, Calls(decided, run));
        }
    }

    /// <summary>
    /// Decides; when the decision tells the caregiver through the <c>caregiver</c> channel, looks up whom that channel
    /// reaches (activity <see cref="WorkflowActivities.CaregiverReach"/>) and decides again with it. Null when the lookup
    /// is still failing after its rounds.
    /// </summary>
    private static async Task<(AdherenceDecision Decision, CaregiverReach? Reach)?> DecideAsync(
        TaskOrchestrationContext context, AdherenceRun run, Func<CaregiverReach?, AdherenceDecision> decide)
    {
        var assumed = decide(CaregiverReach.Assumed);
        if (!AdherenceDecider.AsksCaregiver(assumed, run.FollowUps))
        {
            return (assumed, null);
        }

        var (done, reach) = await OrchestrationSteps.TryCallAsync<string>(context, WorkflowActivities.CaregiverReach, run.Schedule.PatientId);
        if (!done)
        {
            return null;
        }

        var fact = DurablePayloads.Read<CaregiverReach>(reach);
        return (decide(fact), fact);
    }

    /// <summary>A decision's calls: its effects in order, then starting or ending the alert episodes it published.</summary>
    private static IEnumerable<ActivityCall> Calls((AdherenceDecision Decision, CaregiverReach? Reach) decided, AdherenceRun run) =>
    [
        .. OrchestrationSteps.Effects(WorkflowEffects.For(decided.Decision.State, decided.Decision.Commands, run.FollowUps, decided.Reach)),
        .. decided.Decision.Commands.OfType<PublishAlertEvent>().Select(publish => new ActivityCall(
            WorkflowActivities.PublishAlertEvent, DurablePayloads.Write(new AlertEvent(publish.Event as AlertRaised, publish.Event as AlertCleared)))),
    ];
#pragma warning restore CA2007

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Adherence {InstanceId} restarted under a new schedule")]
        public static partial void Rescheduled(ILogger logger, string instanceId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Adherence {InstanceId} ignored an unreadable '{EventName}' event")]
        public static partial void UnreadableEvent(ILogger logger, string instanceId, string eventName);
    }
}
