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
        var state = run.State ?? await ApplyAsync(context, log, run, AdherenceDecider.Start(run.Schedule, OrchestrationSteps.Now(context)));
        var events = new EventRace(context, DurableEvents.Adherence);
        for (var decisions = 0; ; decisions++)
        {
            if (decisions >= OrchestrationSteps.DecisionsPerGeneration && !events.HasUntakenEvent)
            {
                context.ContinueAsNew(DurablePayloads.Write(run with { State = state }));
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
                    state = await ApplyAsync(context, log, run, AdherenceDecider.Start(schedule, OrchestrationSteps.Now(context)));
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

            state = await ApplyAsync(context, log, run, AdherenceDecider.Decide(state, input));
        }
    }

    /// <summary>Runs the decision's effects in order, then starts or ends the alert episodes it published.</summary>
    private static async Task<AdherenceState> ApplyAsync(TaskOrchestrationContext context, ILogger log, AdherenceRun run, AdherenceDecision decision)
    {
        await OrchestrationSteps.RunEffectsAsync(context, log, WorkflowEffects.For(decision.State, decision.Commands, run.FollowUps));
        foreach (var publish in decision.Commands.OfType<PublishAlertEvent>())
        {
            var alertEvent = new AlertEvent(publish.Event as AlertRaised, publish.Event as AlertCleared);
            await OrchestrationSteps.CallAsync<object?>(context, log, WorkflowActivities.PublishAlertEvent, DurablePayloads.Write(alertEvent));
        }

        return decision.State;
    }
#pragma warning restore CA2007

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Adherence {InstanceId} restarted under a new schedule")]
        public static partial void Rescheduled(ILogger logger, string instanceId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Adherence {InstanceId} ignored an unreadable '{EventName}' event")]
        public static partial void UnreadableEvent(ILogger logger, string instanceId, string eventName);
    }
}
