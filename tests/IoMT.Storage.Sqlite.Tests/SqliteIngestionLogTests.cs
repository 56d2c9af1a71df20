using System.Text;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using Microsoft.Data.Sqlite;

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
    public async Task Append_WithProperties_ReadBackWithThem_AndAsIngestionTakesThem()
    {
        var path = PathOf("log.db");
        var properties = new DeviceMessageProperties
        {
            MessageId = "m-1",
            CorrelationId = "c-1",
            ContentType = "application/json",
            ContentEncoding = "utf-8",
            CreationTimeUtc = "2026-11-21T07:59:58Z",
            Application = new Dictionary<string, string> { ["ward"] = "7", ["ünïcode"] = "välue" },
        };
        using (var log = new SqliteIngestionLog(path))
        {
            var appended = Assert.Single(await log.AppendAsync("oximeter-1", [new DeviceMessage("{}"u8.ToArray(), properties)], T0));
            Assert.Equal(properties with { MessageId = null }, appended.Properties, PropertiesComparer.Instance);
        }

        using var reopened = new SqliteIngestionLog(path);
        var stored = Assert.Single(await reopened.ReadAsync(SqliteIngestionLog.PartitionOf("oximeter-1"), 10));
        var received = stored.ToReceived();

        Assert.Equal("m-1", stored.MessageId);
        Assert.Equal(properties with { MessageId = null }, stored.Properties, PropertiesComparer.Instance);
        Assert.Equal(("m-1", "oximeter-1", T0, stored.SourcePosition), (received.TransportMessageId, received.AuthenticatedDeviceId, received.ReceivedAt, received.SourcePosition));
        Assert.Equal(new Dictionary<string, string> { ["ward"] = "7", ["ünïcode"] = "välue", ["iothub-creation-time-utc"] = "2026-11-21T07:59:58Z" }, received.Properties);
    }

    [Fact]
    public async Task Append_WithoutProperties_NothingWrittenForThem_IngestionGetsNone()
    {
        var path = PathOf("log.db");
        using var log = new SqliteIngestionLog(path);

        var withId = await log.AppendAsync("oximeter-1", "m-1", T0, "{}"u8.ToArray());
        var bare = await log.AppendAsync("oximeter-1", null, T0, "{}"u8.ToArray());

        Assert.Equal([0L], ScalarColumn(path, "SELECT COUNT(properties) FROM messages"));
        var read = await log.ReadAsync(withId.Partition, 10);
        Assert.All(read, m => Assert.Same(DeviceMessageProperties.None, m.Properties));
        Assert.Equal([("m-1", (IReadOnlyDictionary<string, string>?)null), (null, null)], read.Select(m => m.ToReceived()).Select(r => (r.TransportMessageId, r.Properties)));
        Assert.Equal(bare.Sequence, read[^1].Sequence);
    }

    [Fact]
    public async Task Append_Batch_EveryMessageOnItsOwnInOrderWithItsOwnProperties()
    {
        using var log = new SqliteIngestionLog(PathOf("log.db"));
        var batch = new[]
        {
            new DeviceMessage([1], new DeviceMessageProperties { MessageId = "b-1", Application = new Dictionary<string, string> { ["n"] = "1" } }),
            new DeviceMessage([2], DeviceMessageProperties.None),
            new DeviceMessage([3], new DeviceMessageProperties { MessageId = "b-3", CorrelationId = "c-3" }),
        };

        var appended = await log.AppendAsync("cuff-1", batch, T0, partitionKey: "patient-1");

        var read = await log.ReadAsync(SqliteIngestionLog.PartitionOf("patient-1"), 10);
        Assert.Equal(appended.Select(m => m.Sequence), read.Select(m => m.Sequence));
        Assert.Equal([(1, "b-1"), (2, null), (3, "b-3")], read.Select(m => ((int)m.Body[0], m.MessageId)));
        Assert.Equal("1", read[0].Properties.Application["n"]);
        Assert.Equal(("c-3", 0), (read[2].Properties.CorrelationId, read[2].Properties.Application.Count));
        Assert.Equal(3, read.Select(m => m.SourcePosition).Distinct().Count());
    }

    [Fact]
    public async Task Open_LogOfSchemaVersionOne_MigratedMessagesKeptAndReadable()
    {
        var path = PathOf("log.db");
        using (var old = new SqliteDatabase(path, [SqliteIngestionLog.Migrations[0]], SqliteDurability.Full))
        {
            await old.WriteAsync((connection, transaction) =>
            {
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO messages (partition, device_id, message_id, received_at, body) VALUES (1, 'd', 'm-old', $at, x'7B7D')";
                insert.Parameters.AddWithValue("$at", T0.UtcTicks);
                return insert.ExecuteNonQuery();
            });
        }

        SqliteConnection.ClearAllPools();
        using var log = new SqliteIngestionLog(path);
        var appended = await log.AppendAsync("d", [new DeviceMessage("{}"u8.ToArray(), new DeviceMessageProperties { CorrelationId = "c" })], T0);

        var read = await log.ReadAsync(1, 10);
        Assert.Equal(("m-old", DeviceMessageProperties.None), (read[0].MessageId, read[0].Properties));
        Assert.Equal(2L, ScalarColumn(path, "SELECT MAX(version) FROM schema_version").Single());
        Assert.Equal("c", (await log.ReadAsync(appended[0].Partition, 10)).Single(m => m.Sequence == appended[0].Sequence).Properties.CorrelationId);
    }

    [Fact]
    public void PartitionOf_StableAcrossProcessesAndSpread()
    {
        Assert.Equal(SqliteIngestionLog.PartitionOf("oximeter-0042"), SqliteIngestionLog.PartitionOf("oximeter-0042"));
        Assert.Equal(SqliteIngestionLog.Partitions, Enumerable.Range(0, 100).Select(i => SqliteIngestionLog.PartitionOf($"device-{i}")).Distinct().Count());
        Assert.Equal(2, SqliteIngestionLog.PartitionOf("device-0"));
    }

    private static List<long> ScalarColumn(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<long>();
        while (reader.Read())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>Properties compared by value, their application properties included.</summary>
internal sealed class PropertiesComparer : IEqualityComparer<DeviceMessageProperties>
{
    public static readonly PropertiesComparer Instance = new();

    public bool Equals(DeviceMessageProperties? x, DeviceMessageProperties? y) =>
        x is not null && y is not null
        && (x with { Application = y.Application }) == y
        && x.Application.Count == y.Application.Count && x.Application.All(p => y.Application.TryGetValue(p.Key, out var v) && v == p.Value);

    public int GetHashCode(DeviceMessageProperties obj) => 0;
}
