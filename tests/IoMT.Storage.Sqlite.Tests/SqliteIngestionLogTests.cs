using System.Text;
using IoMT.Core.Pipeline;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteIngestionLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-log-" + Guid.NewGuid().ToString("N"));

    private string PathOf(string name) => Path.Combine(_directory, name);

    [Fact]
    public async Task Append_ConcurrentDevices_EveryMessageOnceEachDeviceInOrderInItsPartition()
    {
        using var log = new SqliteIngestionLog(PathOf("log.db"));
        var devices = Enumerable.Range(0, 20).Select(i => $"device-{i}").ToList();

        await Task.WhenAll(devices.Select(async device =>
        {
            for (var n = 0; n < 10; n++)
            {
                await log.AppendAsync(device, $"m-{n}", T0.AddSeconds(n), Encoding.UTF8.GetBytes($"{{\"n\":{n}}}"));
            }
        }));

        var all = new List<LoggedMessage>();
        for (var partition = 0; partition < SqliteIngestionLog.Partitions; partition++)
        {
            var messages = await log.ReadAsync(partition, 1000);
            Assert.All(messages, m => Assert.Equal(partition, SqliteIngestionLog.PartitionOf(m.DeviceId)));
            Assert.Equal(messages.Select(m => m.Sequence).Order(), messages.Select(m => m.Sequence));
            all.AddRange(messages);
        }

        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Select(m => m.Sequence).Distinct().Count());
        Assert.All(all.GroupBy(m => m.DeviceId), device => Assert.Equal(
            Enumerable.Range(0, 10).Select(n => $"m-{n}"), device.OrderBy(m => m.Sequence).Select(m => m.MessageId)));
        Assert.Equal(200, log.Backlog());
    }

    [Fact]
    public async Task SaveAndCheckpoint_StatesSightingsAndProgress_SurviveReopeningAndNeverMoveBack()
    {
        var path = PathOf("log.db");
        var state = new PatientState("patient-1") { Spo2 = new VitalSample(91, T0) };
        LoggedMessage second;
        using (var log = new SqliteIngestionLog(path))
        {
            var first = await log.AppendAsync("d", "m-1", T0, [1]);
            second = await log.AppendAsync("d", "m-2", T0, [2]);
            await log.SaveAsync([state], [("d", "m-1", first.SourcePosition)], T0);
            await log.SaveAsync([], [("d", "m-1", "elsewhere")], T0);
            await log.CheckpointAsync(first.Partition, first.Sequence);
            await log.CheckpointAsync(first.Partition, first.Sequence - 1);
        }

        using var reopened = new SqliteIngestionLog(path);

        Assert.Equal([second.Sequence], (await reopened.ReadAsync(second.Partition, 10)).Select(m => m.Sequence));
        Assert.Equal(91, (await reopened.LoadStatesAsync(["patient-1", "patient-2"])).Single().Spo2!.Value.Value);
        Assert.Equal([("d", "m-1", $"{second.Partition}:{second.Sequence - 1}")], await reopened.LoadSeenAsync([("d", "m-1"), ("d", "m-2")]));
        Assert.Equal(1, reopened.Backlog());
    }

    [Fact]
    public async Task Purge_OnlyProcessedAndOldMessages()
    {
        using var log = new SqliteIngestionLog(PathOf("log.db"));
        var old = await log.AppendAsync("d", "m-1", T0, [1]);
        var unprocessed = await log.AppendAsync("d", "m-2", T0, [2]);
        await log.SaveAsync([], [("d", "m-1", old.SourcePosition)], T0);
        await log.CheckpointAsync(old.Partition, old.Sequence);

        var deleted = await log.PurgeAsync(T0.AddDays(1));

        Assert.Equal(1, deleted);
        Assert.Equal([unprocessed.Sequence], (await log.ReadAsync(old.Partition, 10)).Select(m => m.Sequence));
        Assert.Empty(await log.LoadSeenAsync([("d", "m-1")]));
    }

    [Fact]
    public async Task NextAppend_TakenBeforeAnAppend_CompletesForEveryReaderOnceStored()
    {
        using var log = new SqliteIngestionLog(PathOf("log.db"));
        var (first, second) = (log.NextAppend, log.NextAppend);
        Assert.False(first.IsCompleted);

        var stored = await log.AppendAsync("oximeter-1", "m-1", T0, "{}"u8.ToArray());

        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(log.NextAppend.IsCompleted);
        Assert.Equal(stored.Sequence, Assert.Single(await log.ReadAsync(stored.Partition, 10)).Sequence);
    }

    [Fact]
    public void PartitionOf_StableAcrossProcessesAndSpread()
    {
        Assert.Equal(SqliteIngestionLog.PartitionOf("oximeter-0042"), SqliteIngestionLog.PartitionOf("oximeter-0042"));
        Assert.Equal(SqliteIngestionLog.Partitions, Enumerable.Range(0, 100).Select(i => SqliteIngestionLog.PartitionOf($"device-{i}")).Distinct().Count());
        Assert.Equal(2, SqliteIngestionLog.PartitionOf("device-0"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
