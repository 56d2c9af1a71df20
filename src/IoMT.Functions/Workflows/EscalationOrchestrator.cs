using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace IoMT.Functions.Workflows;

/// <summary>
/// One alert episode's escalation (instance id = alert id), a thin loop over <see cref="EscalationDecider"/>: race the
/// people's actions and the cleared condition (external events) against the pending timer, feed the winner to the
/// decider, save the new state for the API, run the effects as activities; end when the alert is resolved.
/// </summary>
public static partial class EscalationOrchestrator
{
    public const string Name = nameof(EscalationOrchestrator);

#pragma warning disable CA2007 // Orchestrator awaits must resume on the Durable dispatch thread.
    [Function(Name)]
    public static async Task RunAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var log = context.CreateReplaySafeLogger(Name);
        var run = DurablePayloads.Read<EscalationRun>(context.GetInput<string>());
        var events = new EventRace(context, DurableEvents.Escalation, run.Received);
        var unfinished = await OrchestrationSteps.RunAsync(context, run.Unfinished ?? []);
        var state = run.State;
        if (state is null)
        {
            var (done, snoozes) = await OrchestrationSteps.TryCallAsync<string>(context, WorkflowActivities.ActiveSnoozes, run.Alert.PatientId);
            if (!done)
            {
                context.ContinueAsNew(DurablePayloads.Write(run));
                return;
            }

            var start = EscalationDecider.Start(run.Alert, run.Policy, DurablePayloads.Read<List<SnoozeScope>>(snoozes));
            state = start.State;
            unfinished = await OrchestrationSteps.RunAsync(context, Calls(start, run.Alert.EscalationStart));
            Log.Started(log, context.InstanceId, run.Policy.Id, run.Policy.Version, state.Status);
        }

        for (var decisions = 0; state.Status != AlertStatus.Resolved || unfinished.Count > 0; decisions++)
        {
            if (unfinished.Count > 0 || decisions >= OrchestrationSteps.DecisionsPerGeneration)
            {
                context.ContinueAsNew(DurablePayloads.Write(run with { State = state, Unfinished = unfinished, Received = events.Untaken() }));
                return;
            }

            var timer = state.Timer;
            var next = await events.NextAsync(timer?.Due);
            var input = next is { } e ? DurableEvents.ReadEscalation(e.Name, e.Payload) : new TimerFired(timer!.Id, OrchestrationSteps.Now(context));
            if (input is null)
            {
                Log.UnreadableEvent(log, context.InstanceId, next!.Value.Name);
                continue;
            }

            var decision = EscalationDecider.Decide(state, input);
            if (decision.Outcome == DecisionOutcome.Applied)
            {
                state = decision.State;
                unfinished = await OrchestrationSteps.RunAsync(context, Calls(decision, input.At));
            }

            Log.Decided(log, context.InstanceId, input.GetType().Name, decision.Outcome, state.Status, state.Level + 1, state.Pass + 1);
        }
    }

    /// <summary>A decision's calls: save its state (and snooze scopes) where the API reads it, then run its effects in order.</summary>
    private static IEnumerable<ActivityCall> Calls(EscalationDecision decision, DateTimeOffset at)
    {
        var snoozes = decision.Commands.OfType<RegisterSnooze>().Select(s => new KeyedSnooze(s.IdempotencyKey, s.Scope)).ToList();
        return [
            new ActivityCall(WorkflowActivities.SaveEscalation, DurablePayloads.Write(new EscalationSave(decision.State, snoozes))),
            .. OrchestrationSteps.Effects(WorkflowEffects.For(decision.State, decision.Commands, at)),
        ];
    }
#pragma warning restore CA2007

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Escalation {InstanceId} started under policy {PolicyId} v{PolicyVersion}: {Status}")]
        public static partial void Started(ILogger logger, string instanceId, string policyId, int policyVersion, AlertStatus status);

        [LoggerMessage(Level = LogLevel.Information, Message = "Escalation {InstanceId}: {Input} {Outcome}; now {Status}, level {Level}, pass {Pass}")]
        public static partial void Decided(ILogger logger, string instanceId, string input, DecisionOutcome outcome, AlertStatus status, int level, int pass);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation {InstanceId} ignored an unreadable '{EventName}' event")]
        public static partial void UnreadableEvent(ILogger logger, string instanceId, string eventName);
    }
}
