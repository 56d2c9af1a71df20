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

    /// <summary>Activity retries: 2 s doubling to at most 5 min, 10 attempts (about 20 min), for transient store or channel failures.</summary>
    public static TaskOptions Retry { get; } = TaskOptions.FromRetryPolicy(new RetryPolicy(10, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(5)));

    /// <summary>After the retries are spent the instance waits this long and tries again: an effect is delayed, never dropped.</summary>
    public static TimeSpan Pause { get; } = TimeSpan.FromMinutes(5);

    public static DateTimeOffset Now(TaskOrchestrationContext context) => new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc));

#pragma warning disable CA2007 // Orchestrator awaits must resume on the Durable dispatch thread.
    /// <summary>Calls an activity until it succeeds: retried by policy, then again after each <see cref="Pause"/>.</summary>
    public static async Task<T> CallAsync<T>(TaskOrchestrationContext context, ILogger log, string activity, string input)
    {
        while (true)
        {
            try
            {
                return await context.CallActivityAsync<T>(activity, input, Retry);
            }
            catch (TaskFailedException failure)
            {
                Log.ActivityFailed(log, activity, context.InstanceId, failure.FailureDetails?.ErrorType ?? "unknown", Pause.TotalMinutes);
                await context.CreateTimer(context.CurrentUtcDateTime.Add(Pause), CancellationToken.None);
            }
        }
    }

    /// <summary>Runs effects one by one, in decision order (a PagerDuty resolve never overtakes its trigger).</summary>
    public static async Task RunEffectsAsync(TaskOrchestrationContext context, ILogger log, IEnumerable<WorkflowEffect> effects)
    {
        foreach (var effect in effects)
        {
            await CallAsync<object?>(context, log, WorkflowActivities.RunEffect, DurablePayloads.Write(effect));
        }
    }
#pragma warning restore CA2007

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Activity {Activity} of instance {InstanceId} failed after its retries ({ErrorType}); trying again in {Minutes} min")]
        public static partial void ActivityFailed(ILogger logger, string activity, string instanceId, string errorType, double minutes);
    }
}

/// <summary>
/// The external events an instance waits for, raced against its next timer. A waiter stays pending across turns until
/// its event comes (never cancelled and replaced), so an event that arrives while the timer wins is kept, not lost.
/// </summary>
internal sealed class EventRace(TaskOrchestrationContext context, IReadOnlyList<string> names)
{
    private readonly Dictionary<string, Task<string>> _waiting = new(StringComparer.Ordinal);

    /// <summary>Whether an event has come in that was not taken yet (continuing as new now would drop it).</summary>
    public bool HasUntakenEvent => _waiting.Values.Any(t => t.IsCompleted);

#pragma warning disable CA2007 // Orchestrator awaits must resume on the Durable dispatch thread.
    /// <summary>The next event (its name and payload), or null when the timer due at <paramref name="due"/> fired first.</summary>
    public async Task<(string Name, string Payload)?> NextAsync(DateTimeOffset? due)
    {
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
