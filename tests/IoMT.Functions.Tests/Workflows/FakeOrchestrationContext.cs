using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace IoMT.Functions.Tests.Workflows;

/// <summary>One thing that happened to an instance, in the order it happened: its history, as Durable keeps it.</summary>
public abstract record HistoryEvent;

public sealed record ActivityCompleted(string Name, string Input, string? Output) : HistoryEvent;

public sealed record ActivityFailed(string Name, string Input, string ErrorType) : HistoryEvent;

public sealed record TimerFired(DateTime FireAt, DateTime At) : HistoryEvent;

public sealed record EventRaised(string Name, string Payload, DateTime At) : HistoryEvent;

/// <summary>
/// A hand-written <see cref="TaskOrchestrationContext"/> that runs an orchestrator inside a test, the way the Durable
/// runtime does but deterministically and on the test's thread: an activity runs when called (through
/// <c>activities</c>, up to its retry policy's attempts), a timer fires when the test advances the clock past it, an
/// event arrives when the test raises it (buffered when nobody waits, like Durable does). Everything is recorded in
/// <see cref="History"/>. A context created with a recorded history replays it first: the orchestrator must make the
/// same calls in the same order (otherwise it is not deterministic and the replay throws), activities are answered
/// from the history instead of running again, and <see cref="IsReplaying"/> is true until the history is used up.
/// </summary>
public sealed class FakeOrchestrationContext : TaskOrchestrationContext
{
    private readonly string _input;
    private readonly Func<string, string, Task<string?>> _activities;
    private readonly IReadOnlyList<HistoryEvent> _replay;
    private readonly List<(DateTime FireAt, TaskCompletionSource Fired)> _timers = [];
    private readonly Dictionary<string, Stack<TaskCompletionSource<string>>> _waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<string>> _buffered = new(StringComparer.Ordinal);
    private int _replayed;
    private bool _live;
    private Task? _run;

    public FakeOrchestrationContext(
        string name, string instanceId, string input, DateTime start, Func<string, string, Task<string?>> activities, IReadOnlyList<HistoryEvent>? replay = null)
    {
        Name = name;
        InstanceId = instanceId;
        _input = input;
        Now = start;
        _activities = activities;
        _replay = replay ?? [];
        _live = _replay.Count == 0;
        LoggerFactory = new RecordingLoggerFactory(Logs);
    }

    public override TaskName Name { get; }

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => null;

    public override DateTime CurrentUtcDateTime => Now;

    /// <summary>Like Durable: true from the start of a replay until the first new event (an activity done, a timer, an event) is processed.</summary>
    public override bool IsReplaying => !_live;

    public DateTime Now { get; private set; }

    public List<HistoryEvent> History { get; } = [];

    /// <summary>What the orchestrator logged through its loggers (a replay-safe logger writes nothing while replaying).</summary>
    public List<string> Logs { get; } = [];

    /// <summary>How many activity executions really ran (not answered from a replayed history).</summary>
    public int ActivitiesRun { get; private set; }

    /// <summary>The new input the orchestrator continued as new with, if it did; with the events nobody took yet.</summary>
    public string? ContinuedAsNewWith { get; private set; }

    public IReadOnlyList<(string Name, string Payload)> UntakenEvents => [.. _buffered.SelectMany(b => b.Value.Select(p => (b.Key, p)))];

    public bool IsCompleted => _run?.IsCompleted == true;

    public DateTime? NextTimer => _timers.Count == 0 ? null : _timers.Min(t => t.FireAt);

    protected override ILoggerFactory LoggerFactory { get; }

    /// <summary>Runs the orchestrator until it waits, replaying the given history first; rethrows what it threw.</summary>
    public void Start(Func<TaskOrchestrationContext, Task> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        Drive(() => _run = orchestrator(this));
        while (_replayed < _replay.Count)
        {
            switch (_replay[_replayed])
            {
                case TimerFired fired:
                    _replayed++;
                    Fire(fired.FireAt, fired.At);
                    break;
                case EventRaised raised:
                    _replayed++;
                    Deliver(raised.Name, raised.Payload, raised.At);
                    break;
                default:
                    throw new InvalidOperationException($"Non-deterministic replay: history expects {_replay[_replayed]}, but the orchestrator is waiting.");
            }
        }
    }

    /// <summary>The time moves to <paramref name="at"/>: every timer due by then fires, processed at <paramref name="at"/>.</summary>
    public void AdvanceTo(DateTime at)
    {
        Now = at > Now ? at : Now;
        while (!IsCompleted && _timers.Where(t => t.FireAt <= at).OrderBy(t => t.FireAt).FirstOrDefault() is { Fired: not null } due)
        {
            _live = true;
            Fire(due.FireAt, at);
        }
    }

    public void RaiseEvent(string name, string payload, DateTime at)
    {
        _live = true;
        Deliver(name, payload, at);
    }

    public override T? GetInput<T>()
        where T : default => (T)(object)_input;

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        var text = (string)input!;
        if (_replayed < _replay.Count)
        {
            var recorded = _replay[_replayed++];
            switch (recorded)
            {
                case ActivityCompleted done when done.Name == name.Name && done.Input == text:
                    History.Add(done);
                    return Task.FromResult((TResult)(object?)done.Output!);
                case ActivityFailed failed when failed.Name == name.Name && failed.Input == text:
                    History.Add(failed);
                    return Task.FromException<TResult>(new TaskFailedException(name, History.Count, new TaskFailureDetails(failed.ErrorType, "replayed failure", null, null, null)));
                default:
                    throw new InvalidOperationException($"Non-deterministic replay: history expects {recorded}, but the orchestrator called {name.Name}.");
            }
        }

        var attempts = options?.Retry?.Policy?.MaxNumberOfAttempts ?? 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                ActivitiesRun++;
                var output = _activities(name, text).GetAwaiter().GetResult();
                _live = true;
                History.Add(new ActivityCompleted(name, text, output));
                return Task.FromResult((TResult)(object?)output!);
            }
            catch (Exception e) when (attempt >= attempts)
            {
                _live = true;
                History.Add(new ActivityFailed(name, text, e.GetType().FullName!));
                return Task.FromException<TResult>(new TaskFailedException(name, History.Count, new TaskFailureDetails(e.GetType().FullName!, e.Message, null, null, null)));
            }
            catch (Exception) when (attempt < attempts)
            {
                // Durable would wait the policy's interval; time does not matter here.
            }
        }
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var fired = new TaskCompletionSource();
        var timer = (fireAt, fired);
        _timers.Add(timer);
        cancellationToken.Register(() =>
        {
            _timers.Remove(timer);
            fired.TrySetCanceled(cancellationToken);
        });
        return fired.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (typeof(T) != typeof(string))
        {
            throw new NotSupportedException("The orchestrators wait for JSON strings only.");
        }

        var waiter = new TaskCompletionSource<string>();
        if (_buffered.TryGetValue(eventName, out var queue) && queue.Count > 0)
        {
            waiter.SetResult(queue.Dequeue());
        }
        else
        {
            // Like Durable: newest waiter first; a cancelled one stays in the stack.
            (_waiters.TryGetValue(eventName, out var stack) ? stack : _waiters[eventName] = new()).Push(waiter);
            cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        }

        return (Task<T>)(object)waiter.Task;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        ContinuedAsNewWith = (string)newInput!;
        if (!preserveUnprocessedEvents)
        {
            _buffered.Clear();
        }
    }

    public override void SendEvent(string instanceId, string eventName, object payload) => throw new NotSupportedException("Not used by the orchestrators.");

    public override void SetCustomStatus(object? customStatus) => throw new NotSupportedException("Not used by the orchestrators.");

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        throw new NotSupportedException("Not used by the orchestrators.");

    public override Guid NewGuid() => throw new NotSupportedException("Not used by the orchestrators.");

    private void Fire(DateTime fireAt, DateTime at)
    {
        var index = _timers.FindIndex(t => t.FireAt == fireAt);
        if (index < 0)
        {
            throw new InvalidOperationException($"Non-deterministic replay: no timer due {fireAt:O} is pending.");
        }

        var (_, fired) = _timers[index];
        _timers.RemoveAt(index);
        Now = at;
        History.Add(new TimerFired(fireAt, at));
        Drive(() => fired.SetResult());
    }

    private void Deliver(string name, string payload, DateTime at)
    {
        Now = at > Now ? at : Now;
        History.Add(new EventRaised(name, payload, at));
        if (_waiters.TryGetValue(name, out var stack) && stack.TryPop(out var waiter))
        {
            Drive(() => waiter.TrySetResult(payload));
        }
        else
        {
            (_buffered.TryGetValue(name, out var queue) ? queue : _buffered[name] = new()).Enqueue(payload);
        }
    }

    /// <summary>Runs the orchestrator's continuations inline, on this thread, and surfaces what it threw.</summary>
    private void Drive(Action action)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

        if (_run is { IsFaulted: true })
        {
            _run.GetAwaiter().GetResult();
        }
    }

    private sealed class RecordingLoggerFactory(List<string> logs) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(logs);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger(List<string> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Add(formatter(state, exception));
    }
}
