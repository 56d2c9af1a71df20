// Mirrors Microsoft.DurableTask.Abstractions (see README.md for version and source).
using Microsoft.Extensions.Logging;

namespace Microsoft.DurableTask;

public abstract class TaskOrchestrationContext
{
    public abstract TaskName Name { get; }

    public abstract string InstanceId { get; }

    public abstract ParentOrchestrationInstance? Parent { get; }

    public abstract DateTime CurrentUtcDateTime { get; }

    public abstract bool IsReplaying { get; }

    protected abstract ILoggerFactory LoggerFactory { get; }

    public abstract T? GetInput<T>();

    public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object>(name, input, options);

    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    public abstract void SendEvent(string instanceId, string eventName, object payload);

    public abstract void SetCustomStatus(object? customStatus);

    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null);

    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    public abstract Guid NewGuid();

    /// <summary>A logger that writes only while the orchestrator is not replaying (the real type's documented behaviour).</summary>
    public virtual ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    private sealed class ReplaySafeLogger(TaskOrchestrationContext context, ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
