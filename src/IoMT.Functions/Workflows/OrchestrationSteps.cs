using IoMT.Core.Workflows;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace IoMT.Functions.Workflows;

/// <summary>
/// What both orchestrators do the same way. Orchestrator code must stay deterministic and on the Durable dispatch
/// thread, so nothing here reads the clock, config or I/O, and awaits do not use <c>ConfigureAwait(false)</c>.
/// </summary>
internal static partial class OrchestrationSteps
{
    /// <summary>After this many decisions an instance continues as new with its state, so its history stays short.</summary>
    public const int DecisionsPerGeneration = 100;

    /// <summary>
    /// Rounds one activity call gets in a generation (each: the retry policy, about 20 min, then a <see cref="Pause"/>),
    /// about 5 h. A call still failing then is carried to the next generation: delayed, never dropped, and the history
    /// of an instance whose store or channel is down for days stays bounded.
    /// </summary>
    public const int RoundsPerGeneration = 12;

    /// <summary>Activity retries: 2 s doubling to at most 5 min, 10 attempts (about 20 min), for transient store or channel failures.</summary>
    public static TaskOptions Retry { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(10, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(5)));

    /// <summary>After the retries of a round are spent the instance waits this long before the next round.</summary>
    public static TimeSpan Pause { get; } = TimeSpan.FromMinutes(5);

    public static DateTimeOffset Now(TaskOrchestrationContext context) => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

    /// <summary>The activity calls that run a decision's effects, in decision order.</summary>
    public static IEnumerable<ActivityCall> Effects(IEnumerable<WorkflowEffect> effects) =>
        effects.Select(effect => new ActivityCall(WorkflowActivities.RunEffect, DurablePayloads.Write(effect)));

#pragma warning disable CA2007 // Orchestrator awaits must resume on the Durable dispatch thread.
    /// <summary>Calls an activity, retried by policy, then again after each <see cref="Pause"/>; not done after <see cref="RoundsPerGeneration"/> rounds.</summary>
    public static async Task<(bool Done, T? Result)> TryCallAsync<T>(TaskOrchestrationContext context, string activity, string input)
    {
        for (var round = 1; round <= RoundsPerGeneration; round++)
        {
            try
            {
                return (true, await context.CallActivityAsync<T>(activity, input, Retry));
            }
            catch (TaskFailedException failure)
            {
                Log.ActivityFailed(context.CreateReplaySafeLogger(nameof(OrchestrationSteps)), activity, context.InstanceId, failure.FailureDetails?.ErrorType ?? "unknown", round);
                await context.CreateTimer(context.CurrentUtcDateTime.Add(Pause), CancellationToken.None);
            }
        }

        return (false, default);
    }

    /// <summary>
    /// Runs the calls one by one, in order (a PagerDuty resolve never overtakes its trigger); returns those not run yet
    /// when one is still failing after its rounds (the instance carries them into its next generation), else none.
    /// </summary>
    public static async Task<IReadOnlyList<ActivityCall>> RunAsync(TaskOrchestrationContext context, IEnumerable<ActivityCall> calls)
    {
        var list = calls.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!(await TryCallAsync<object?>(context, list[i].Activity, list[i].Input)).Done)
            {
                return list[i..];
            }
        }

        return [];
    }
#pragma warning restore CA2007

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Activity {Activity} of instance {InstanceId} failed after its retries ({ErrorType}, round {Round}); trying again after a pause")]
        public static partial void ActivityFailed(ILogger logger, string activity, string instanceId, string errorType, int round);
    }
}

/// <summary>
/// The external events an instance waits for, raced against its next timer. A waiter stays pending across turns until
/// its event comes (never cancelled and replaced), so an event that arrives while the timer wins is kept, not lost.
/// Events the instance received but did not take yet are carried across a generation boundary by <see cref="Untaken"/>
/// and served first in the next generation: those a waiter received, and those the SDK buffered because none waited
/// for their name (while an activity ran, say). The SDK would re-send the buffered ones to the next generation itself,
/// but behind events raised later, and a backend may drop them (the in-process test host does).
/// </summary>
internal sealed class EventRace(TaskOrchestrationContext context, IReadOnlyList<string> names, IReadOnlyList<ReceivedEvent>? carried)
{
    private readonly Dictionary<string, Task<string>> _waiting = new(StringComparer.Ordinal);
    private readonly Queue<ReceivedEvent> _carried = new(carried ?? []);

    /// <summary>
    /// Events received and not taken yet, in the order they will be taken: the input of the next generation. Takes the
    /// events the SDK buffered too (a new waiter gets a buffered event at once), so call it only to continue as new.
    /// </summary>
    public IReadOnlyList<ReceivedEvent> Untaken()
    {
        var untaken = new List<ReceivedEvent>(_carried);
        foreach (var name in names)
        {
            if (_waiting.TryGetValue(name, out var waiting))
            {
                if (!waiting.IsCompletedSuccessfully)
                {
                    // Still waiting: an event of this name goes to the waiter, so none is buffered.
                    continue;
                }

                untaken.Add(new ReceivedEvent(name, waiting.Result));
            }

            for (var buffered = context.WaitForExternalEvent<string>(name); buffered.IsCompletedSuccessfully; buffered = context.WaitForExternalEvent<string>(name))
            {
                untaken.Add(new ReceivedEvent(name, buffered.Result));
            }
        }

        return untaken;
    }

#pragma warning disable CA2007 // Orchestrator awaits must resume on the Durable dispatch thread.
    /// <summary>The next event (its name and payload), or null when the timer due at <paramref name="due"/> fired first.</summary>
    public async Task<(string Name, string Payload)?> NextAsync(DateTimeOffset? due)
    {
        if (_carried.TryDequeue(out var received))
        {
            return (received.Name, received.Payload);
        }

        foreach (var name in names.Where(n => !_waiting.ContainsKey(n)))
        {
            _waiting[name] = context.WaitForExternalEvent<string>(name);
        }

        // Fixed order: when several are ready (during replay, too), the same one wins every time.
        var turns = names.Select(n => (Task)_waiting[n]).ToList();
        using var cancelTimer = new CancellationTokenSource();
        if (due is { } at)
        {
            turns.Add(context.CreateTimer(at.UtcDateTime, cancelTimer.Token));
        }

        var index = turns.IndexOf(await Task.WhenAny(turns));
        if (index == names.Count)
        {
            return null;
        }

        cancelTimer.Cancel();
        var winner = names[index];
        var payload = await _waiting[winner];
        _waiting.Remove(winner);
        return (winner, payload);
    }
#pragma warning restore CA2007
}
