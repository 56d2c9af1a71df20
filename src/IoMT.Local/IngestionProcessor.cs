using IoMT.Core.Access;
using IoMT.Core.Pipeline;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace IoMT.Local;

/// <summary>
/// Reads the ingestion log in <see cref="Lanes"/> independent loops, each over its own partitions, in order. Each round,
/// a lane runs what its partitions have waiting through <see cref="BatchIngestion"/> as one batch, then checkpoints them
/// together: one set of writes (timeline, states, checkpoints) per round instead of one per partition, which is what
/// keeps the processor ahead of the gateway under load (docs/performance.md). A batch that fails is retried (with a
/// growing pause) without moving the checkpoints, so nothing the gateway accepted is skipped; processed messages older
/// than the retention are purged once an hour. Messages a device sent again are recorded in the security audit.
/// </summary>
internal sealed partial class IngestionProcessor(
    SqliteIngestionLog log, BatchIngestion ingestion, SecurityAudit audit, TimeProvider time, IOptions<LocalOptions> options,
    ILogger<IngestionProcessor> logger)
    : BackgroundService
{
    /// <summary>
    /// Messages taken from each partition per round (up to 2,500 a round per lane): what a round costs per patient (a state
    /// save, a timeline page) is shared by all of that patient's messages in it, so after a pause bigger rounds catch
    /// up instead of falling further behind (docs/performance.md).
    /// </summary>
    public const int BatchSize = 1250;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private DateTimeOffset _nextPurge;

    /// <summary>
    /// Processing loops, each over the partitions whose number modulo this is its own: while one writes, the other
    /// prepares or writes another file, which took p99 send → committed per 10 s at 5,000 msg/s from 0.5–0.95 s to
    /// mostly 0.1–0.26 s (docs/performance.md). A patient's messages share a partition, so lanes rarely share a patient; when they do (a
    /// late reading of a device that moved), <see cref="BatchIngestion"/> runs their batches one after the other.
    /// </summary>
    public const int Lanes = 2;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane =>
            RunLaneAsync([.. Enumerable.Range(0, SqliteIngestionLog.Partitions).Where(p => p % Lanes == lane)], purges: lane == 0, stoppingToken)));

    private async Task RunLaneAsync(int[] partitions, bool purges, CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start does not wait for a lane's first round
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var appended = log.NextAppend;
                var processed = await ProcessRoundAsync(partitions, stoppingToken).ConfigureAwait(false);

                failures = 0;
                if (purges)
                {
                    await PurgeWhenDueAsync(stoppingToken).ConfigureAwait(false);
                }

                if (processed == 0)
                {
                    await Task.WhenAny(appended, Task.Delay(Idle, time, stoppingToken)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures++;
                Log.BatchFailed(logger, e, failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures))), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> ProcessRoundAsync(int[] partitions, CancellationToken cancellationToken)
    {
        var batch = new List<LoggedMessage>();
        foreach (var partition in partitions)
        {
            batch.AddRange(await log.ReadAsync(partition, BatchSize, cancellationToken: cancellationToken).ConfigureAwait(false));
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        var outcome = await ingestion.ProcessAsync(
            [.. batch.Select(m => m.ToReceived())], cancellationToken).ConfigureAwait(false);
        await AuditReplaysAsync(outcome.Replayed, cancellationToken).ConfigureAwait(false);
        await log.CheckpointAsync(batch.GroupBy(m => m.Partition).ToDictionary(g => g.Key, g => g.Max(m => m.Sequence)), cancellationToken).ConfigureAwait(false);
        Log.BatchProcessed(logger, outcome.Messages, outcome.Readings, outcome.Quarantined, outcome.Duplicates);
        return batch.Count;
    }

    /// <summary>
    /// Before the checkpoint, so a crash cannot lose an event (it may write one twice). The gateway answered these
    /// messages as accepted; the audit is where a replay shows. A failing audit does not hold up the readings.
    /// </summary>
    private async Task AuditReplaysAsync(IReadOnlyList<(string DeviceId, string MessageId)> replayed, CancellationToken cancellationToken)
    {
        foreach (var (deviceId, messageId) in replayed)
        {
            try
            {
                await audit.RecordAsync(SecurityEventCodes.DeviceMessageReplayed, "device:" + deviceId, $"POST /devices/{deviceId}/messages/events",
                    $"Message '{messageId}' was already received; it is stored once.", cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Log.AuditFailed(logger, e);
            }
        }
    }

    private async Task PurgeWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now.AddHours(1);
        var purged = await log.PurgeAsync(now.AddDays(-options.Value.IngestionLogRetentionDays), cancellationToken).ConfigureAwait(false);
        if (purged > 0)
        {
            Log.Purged(logger, purged);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Processed {Messages} messages, {Readings} readings, {Quarantined} quarantined, {Duplicates} duplicates")]
        public static partial void BatchProcessed(ILogger logger, int messages, int readings, int quarantined, int duplicates);

        [LoggerMessage(Level = LogLevel.Error, Message = "Processing a batch failed ({Failures} in a row); it will be retried, nothing is skipped")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int failures);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A message sent again could not be recorded in the security audit")]
        public static partial void AuditFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Messages} processed messages past the ingestion log's retention")]
        public static partial void Purged(ILogger logger, int messages);
    }
}
