using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Notifications;
using IoMT.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Tests.Workflows;

/// <summary>
/// A small Durable runtime for tests: a <see cref="DurableTaskClient"/> whose instances run in
/// <see cref="FakeOrchestrationContext"/>s, the real activities over in-memory stores and a recording notifier, and a
/// manual clock that fires every instance's timers. Continue-as-new starts the next generation with the untaken events.
/// </summary>
public sealed class DurableTestHost : DurableTaskClient
{
    private static readonly Dictionary<string, Func<TaskOrchestrationContext, Task>> Orchestrators = new(StringComparer.Ordinal)
    {
        [EscalationOrchestrator.Name] = EscalationOrchestrator.RunAsync,
        [AdherenceOrchestrator.Name] = AdherenceOrchestrator.RunAsync,
    };

    private readonly Dictionary<string, DateTime> _started = new(StringComparer.Ordinal);

    public DurableTestHost(DateTimeOffset start, WorkflowOptions? options = null)
        : base("test")
    {
        Clock = new ManualClock(start);
        Workflows = new DurableWorkflows(Escalations, new FixedOptions<WorkflowOptions>(options ?? new WorkflowOptions()));
        Activities = new WorkflowActivities(Escalations, new WorkflowEffectRunner(Timeline, Notifier), Workflows,
            new CaregiverLookup(Profiles, new FixedOptions<NotificationOptions>(new NotificationOptions())), Clock);
    }

    /// <summary>The patients' profiles, whose caregivers the <c>caregiver</c> channel reaches.</summary>
    public InMemoryPatientDirectory Profiles { get; } = new();

    public ManualClock Clock { get; }

    public InMemoryWorkflowStore Escalations { get; } = new();

    public InMemoryTimelineStore Timeline { get; } = new();

    public RecordingNotifier Notifier { get; } = new();

    public DurableWorkflows Workflows { get; }

    public WorkflowActivities Activities { get; }

    /// <summary>Every instance by id: its current generation's context.</summary>
    public Dictionary<string, FakeOrchestrationContext> Instances { get; } = new(StringComparer.Ordinal);

    /// <summary>Every instance's current input (its start input, or what it continued as new with).</summary>
    public Dictionary<string, string> Inputs { get; } = new(StringComparer.Ordinal);

    public List<(string InstanceId, string Name)> RaisedEvents { get; } = [];

    /// <summary>How many times each instance continued as new.</summary>
    public Dictionary<string, int> Generations { get; } = new(StringComparer.Ordinal);

    /// <summary>Fails the next calls of an activity (by name) with a transient error.</summary>
    public Dictionary<string, int> FailNext { get; } = new(StringComparer.Ordinal);

    /// <summary>Every activity run, by name, failed ones included.</summary>
    public List<string> ActivityRuns { get; } = [];

    public Task PublishAsync(params Core.Alerts.WorkflowEvent[] events) => Workflows.PublishAsync(this, events);

    /// <summary>Moves the clock and fires every instance's due timers, earliest first, until none is due.</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        Clock.Advance(at - Clock.GetUtcNow());
        while (Instances.Values.Where(i => !i.IsCompleted && i.NextTimer <= at.UtcDateTime).MinBy(i => i.NextTimer) is { } due)
        {
            due.AdvanceTo(at.UtcDateTime);
            Rollover(due);
        }
    }

    public void Advance(TimeSpan by) => AdvanceTo(Clock.GetUtcNow() + by);

    /// <summary>The instance's history replayed into a new context (what Durable does after a crash or on every new event).</summary>
    public FakeOrchestrationContext Replay(string instanceId, string input)
    {
        var original = Instances[instanceId];
        var replay = new FakeOrchestrationContext(original.Name, instanceId, input, _started[instanceId], RunActivityAsync, [.. original.History]);
        replay.Start(Orchestrators[original.Name]);
        Instances[instanceId] = replay;
        return replay;
    }

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        if (Instances.ContainsKey(instanceId))
        {
            throw new InvalidOperationException($"Instance {instanceId} exists: it would be replaced.");
        }

        Inputs[instanceId] = (string)input!;
        _started[instanceId] = Clock.GetUtcNow().UtcDateTime;
        var context = new FakeOrchestrationContext(orchestratorName, instanceId, (string)input!, Clock.GetUtcNow().UtcDateTime, RunActivityAsync);
        Instances[instanceId] = context;
        context.Start(Orchestrators[orchestratorName]);
        Rollover(context);
        return await Task.FromResult(instanceId);
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        RaisedEvents.Add((instanceId, eventName));
        if (!Instances.TryGetValue(instanceId, out var context))
        {
            // Durable keeps events for instances that do not run yet; so does this host, by recording them only.
            return Task.CompletedTask;
        }

        context.RaiseEvent(eventName, (string)eventPayload!, Clock.GetUtcNow().UtcDateTime);
        Rollover(context);
        return Task.CompletedTask;
    }

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Task.FromResult(Instances.TryGetValue(instanceId, out var context)
            ? new OrchestrationMetadata(context.Name, instanceId) { RuntimeStatus = context.IsCompleted ? OrchestrationRuntimeStatus.Completed : OrchestrationRuntimeStatus.Running }
            : null);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw NotUsed();

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw NotUsed();

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw NotUsed();

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw NotUsed();

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw NotUsed();

    public Task<string?> RunActivityAsync(string name, string input)
    {
        ActivityRuns.Add(name);
        if (FailNext.TryGetValue(name, out var failures) && failures > 0)
        {
            FailNext[name] = failures - 1;
            throw new HttpRequestException("store unavailable");
        }

        return name switch
        {
            WorkflowActivities.ActiveSnoozes => Output(Activities.ActiveSnoozesAsync(input, default)),
            WorkflowActivities.CaregiverReach => Output(Activities.CaregiverReachAsync(input, default)),
            WorkflowActivities.SaveEscalation => Done(Activities.SaveEscalationAsync(input, default)),
            WorkflowActivities.RunEffect => Done(Activities.RunEffectAsync(input, default)),
            WorkflowActivities.PublishAlertEvent => Done(Activities.PublishAlertEventAsync(input, this, default)),
            _ => throw new ArgumentException($"No activity {name}.", nameof(name)),
        };

        static async Task<string?> Output(Task<string> task) => await task;

        static async Task<string?> Done(Task task)
        {
            await task;
            return null;
        }
    }

    private static NotSupportedException NotUsed() => new("The app does not call this member of the Durable client.");

    public EscalationState? Alert(string alertId) => Escalations.Alerts.GetValueOrDefault(alertId);

    /// <summary>Starts the next generation of an instance that continued as new, with the events it had not taken.</summary>
    private void Rollover(FakeOrchestrationContext context)
    {
        while (context is { IsCompleted: true, ContinuedAsNewWith: { } input })
        {
            Generations[context.InstanceId] = Generations.GetValueOrDefault(context.InstanceId) + 1;
            Inputs[context.InstanceId] = input;
            _started[context.InstanceId] = Clock.GetUtcNow().UtcDateTime;
            var next = new FakeOrchestrationContext(context.Name, context.InstanceId, input, Clock.GetUtcNow().UtcDateTime, RunActivityAsync);
            Instances[context.InstanceId] = next;
            next.Start(Orchestrators[context.Name]);
            foreach (var (name, payload) in context.UntakenEvents)
            {
                next.RaiseEvent(name, payload, Clock.GetUtcNow().UtcDateTime);
            }

            context = next;
        }
    }
}
