using IoMT.Core.Workflows;
using IoMT.Storage.Sqlite;

namespace IoMT.Local.Workflows;

/// <summary>
/// Drives the local workflow engine: fires due timers (on start, every timer that fell due while the host was down
/// fires at once, late by the downtime) and runs the outbox's effects, several at a time. An effect that fails is
/// retried with a growing pause (up to 5 minutes), never dropped; it completes only once it ran, so a crash runs it
/// again, under the same key, and its record stays single.
/// </summary>
public sealed partial class WorkflowRunner(
    LocalWorkflowEngine engine, SqliteWorkflowStore store, WorkflowEffectRunner effects, WorkflowSignal signal, TimeProvider time, ILogger<WorkflowRunner> logger)
    : BackgroundService
{
    private const int EffectBatch = 64;
    private const int Parallelism = 8;
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var worked = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (worked == 0)
                {
                    var next = store.NextDue() - time.GetUtcNow();
                    await signal.WaitAsync(next is { } wait && wait < MaxIdle ? (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) : MaxIdle, stoppingToken)
                        .ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.CycleFailed(logger, e);
                await Task.Delay(MaxIdle, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One cycle: fire what is due, run the effects waiting; returns how much was done.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var fired = await engine.FireDueAsync(now, cancellationToken).ConfigureAwait(false);
        var pending = store.PendingEffects(now, EffectBatch);
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                try
                {
                    await effects.RunAsync(item.Effect, token).ConfigureAwait(false);
                    await store.CompleteEffectAsync(item.Sequence, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    var pause = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, item.Attempts)));
                    Log.EffectFailed(logger, e, item.Effect.Key, item.Attempts + 1, pause.TotalSeconds);
                    await store.RetryEffectAsync(item.Sequence, time.GetUtcNow() + pause, token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return fired + pending.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow effect {Key} failed (attempt {Attempt}); retrying in {Seconds} s")]
        public static partial void EffectFailed(ILogger logger, Exception exception, string key, int attempt, double seconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "A workflow cycle failed; retrying")]
        public static partial void CycleFailed(ILogger logger, Exception exception);
    }
}
