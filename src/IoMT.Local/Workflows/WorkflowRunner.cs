using IoMT.Core.Workflows;
using IoMT.Storage.Sqlite;

namespace IoMT.Local.Workflows;

/// <summary>
/// Drives the local workflow engine: fires due timers (on start, every timer that fell due while the host was down
/// fires at once, late by the downtime) and runs the outbox's effects: each patient's in order, several patients at a
/// time. An effect that fails is retried with a growing pause (up to 5 minutes), never dropped; it completes only once
/// it ran, so a crash runs it again, under the same key, and its record stays single.
/// </summary>
public sealed partial class WorkflowRunner(
    LocalWorkflowEngine engine, SqliteWorkflowStore store, WorkflowEffectRunner runner, WorkflowSignal signal, TimeProvider time, ILogger<WorkflowRunner> logger)
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
                    var untilDue = store.NextDue() - time.GetUtcNow() ?? MaxIdle;
                    await signal.WaitAsync(TimeSpan.FromTicks(Math.Clamp(untilDue.Ticks, 0, MaxIdle.Ticks)), stoppingToken).ConfigureAwait(false);
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
        var byPatient = pending.GroupBy(item => item.Effect.PatientId, StringComparer.Ordinal);
        await Parallel.ForEachAsync(byPatient, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (effects, token) => await RunInOrderAsync([.. effects], token).ConfigureAwait(false)).ConfigureAwait(false);
        return fired + pending.Count;
    }

    /// <summary>
    /// Runs one patient's effects in the order they were decided (a PagerDuty resolve must not overtake its trigger).
    /// One that fails waits for its retry, and the store holds the patient's later effects back until it ran.
    /// </summary>
    private async Task RunInOrderAsync(List<PendingEffect> effects, CancellationToken cancellationToken)
    {
        foreach (var item in effects)
        {
            try
            {
                await runner.RunAsync(item.Effect, cancellationToken).ConfigureAwait(false);
                await store.CompleteEffectAsync(item.Sequence, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var pause = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, item.Attempts)));
                Log.EffectFailed(logger, e, item.Sequence, item.Attempts + 1, pause.TotalSeconds);
                await store.RetryEffectAsync(item.Sequence, time.GetUtcNow() + pause, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow effect {Sequence} failed (attempt {Attempt}); it and the patient's later effects retry in {Seconds} s")]
        public static partial void EffectFailed(ILogger logger, Exception exception, long sequence, int attempt, double seconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "A workflow cycle failed; retrying")]
        public static partial void CycleFailed(ILogger logger, Exception exception);
    }
}
