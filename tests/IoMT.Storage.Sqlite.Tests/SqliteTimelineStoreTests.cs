using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

public class SqliteTimelineStoreTests : TimelineStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-sqlite-" + Guid.NewGuid().ToString("N"));

    protected override Task<ITimelineStore> CreateStoreAsync() =>
        Task.FromResult<ITimelineStore>(new SqliteTimelineStore(Path.Combine(_directory, "timeline.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Reopen_KeepsDataAndDoesNotMigrateTwice()
    {
        var path = Path.Combine(_directory, "reopen.db");
        using (var first = new SqliteTimelineStore(path))
        {
            await first.AppendAsync("0:1", Readings("p-1", 3));
        }

        using var second = new SqliteTimelineStore(path);

        Assert.Equal(3, (await second.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)))).Items.Count);
    }

    [Fact]
    public async Task Query_WhileAppending_ReadersSeeWholeBatchesOnly()
    {
        // 19 batches of 50 fit in one page, so each query is one consistent snapshot.
        const int Batches = 19;
        const int BatchSize = 50;
        var writer = Task.Run(async () =>
        {
            for (var batch = 0; batch < Batches; batch++)
            {
                await Store.AppendAsync($"0:{batch}", [.. Enumerable.Range(0, BatchSize).Select(i => Reading("p-1", (batch * BatchSize) + i, 90))]);
            }
        });

        var observed = new List<int>();
        while (!writer.IsCompleted)
        {
            observed.Add((await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddDays(1), PageSize: TimelineQuery.MaxPageSize))).Items.Count);
        }

        await writer;
        Assert.NotEmpty(observed);
        Assert.All(observed, count => Assert.Equal(0, count % BatchSize));
        Assert.Equal(Batches * BatchSize, (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddDays(1), PageSize: TimelineQuery.MaxPageSize))).Items.Count);
    }

    [Fact]
    public async Task Append_SameReadingUnderAnotherPatient_MovesIt()
    {
        // A replay after a binding fix: the reading now belongs to p-2, and p-1's latest value falls back to the one before.
        var older = Reading("p-1", 10, 91);
        var newest = Reading("p-1", 20, 92);
        await Store.AppendAsync("0:1", [older, newest]);

        await Store.AppendAsync("0:1", [newest with { PatientId = "p-2" }]);

        Assert.Equal([older], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)))).Items);
        Assert.Equal([newest with { PatientId = "p-2" }], (await Store.QueryAsync(new TimelineQuery("p-2", T0, T0.AddHours(1)))).Items);
        Assert.Equal([older], await Store.LatestAsync("p-1", TimelineEntryType.Reading, ["spo2"]));
        Assert.Equal([newest with { PatientId = "p-2" }], await Store.LatestAsync("p-2", TimelineEntryType.Reading, ["spo2"]));
    }

    [Fact]
    public async Task Append_AlertRegradedUnderAnotherPatient_MovesIt()
    {
        // A replay after a binding fix: the regrade's type is recorded once, so its id alone finds the row to move.
        await Store.AppendAsync("0:1", [AlertRegraded("p-1")]);

        await Store.AppendAsync("0:1", [AlertRegraded("p-2")]);

        Assert.Empty((await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)))).Items);
        Assert.Equal([AlertRegraded("p-2")], (await Store.QueryAsync(new TimelineQuery("p-2", T0, T0.AddHours(1)))).Items);
    }

    [Fact]
    public async Task Latest_NewestPurged_None()
    {
        await Store.AppendAsync("0:1", [new TimelineRecord("qr_1", "p-1", T0, TimelineEntryType.Quarantine, "value.out-of-range", null, null, "d", "{}")]);

        await Store.PurgeAsync(RetentionPolicy.Default, T0.AddDays(365));

        Assert.Empty(await Store.LatestAsync("p-1", TimelineEntryType.Quarantine, ["value.out-of-range"]));
    }

    [Fact]
    public async Task Latest_NewerEntriesWithinTheMinuteInLaterAppends_TheNewest()
    {
        // The pointer to a code's latest entry moves at most once a minute; the search starts there.
        await Store.AppendAsync("0:1", [Reading("p-1", 0, 90)]);
        await Store.AppendAsync("0:2", [Reading("p-1", 20, 91)]);
        await Store.AppendAsync("0:3", [Reading("p-1", 40, 92)]);
        await Store.AppendAsync("0:4", [Reading("p-1", 10, 80)]);

        Assert.Equal([Reading("p-1", 40, 92)], await Store.LatestAsync("p-1", TimelineEntryType.Reading, ["spo2"]));
    }

    [Fact]
    public async Task Latest_PurgeBetweenThePointerAndTheNewest_TheNewest()
    {
        var older = new TimelineRecord("qr_1", "p-1", T0, TimelineEntryType.Quarantine, "value.out-of-range", null, null, "d", "{}");
        var newer = older with { Id = "qr_2", At = T0.AddSeconds(30) };
        await Store.AppendAsync("0:1", [older]);
        await Store.AppendAsync("0:2", [newer]);

        await Store.PurgeAsync(RetentionPolicy.Default, T0.AddSeconds(15) + RetentionPolicy.Default.For(TimelineEntryType.Quarantine));

        Assert.Equal([newer], await Store.LatestAsync("p-1", TimelineEntryType.Quarantine, ["value.out-of-range"]));
    }

    [Fact]
    public async Task Latest_SameInstant_GreatestId()
    {
        var a = Reading("p-1", 10, 91) with { Id = "rd_a" };
        var b = Reading("p-1", 10, 92) with { Id = "rd_b" };
        await Store.AppendAsync("0:1", [b]);
        await Store.AppendAsync("0:2", [a]);

        Assert.Equal([b], await Store.LatestAsync("p-1", TimelineEntryType.Reading, ["spo2"]));
    }

    [Fact]
    public async Task Open_FirstSchemaWithEntries_KeepsEntriesAndLatest()
    {
        var path = Path.Combine(_directory, "v1.db");
        var records = new[] { Reading("p-1", 10, 91), Reading("p-1", 20, 92), Reading("p-2", 5, 80) };
        using (var v1 = new SqliteDatabase(path, [SqliteTimelineStore.Migrations[0]]))
        {
            await v1.WriteAsync((connection, transaction) =>
            {
                foreach (var r in records)
                {
                    using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = "INSERT INTO timeline VALUES ($patient, $at, $id, 0, 0, 'spo2', $value, NULL, 'oximeter-1', $data)";
                    insert.Parameters.AddWithValue("$patient", r.PatientId);
                    insert.Parameters.AddWithValue("$at", r.At.UtcTicks);
                    insert.Parameters.AddWithValue("$id", r.Id);
                    insert.Parameters.AddWithValue("$value", r.Value);
                    insert.Parameters.AddWithValue("$data", r.Data);
                    insert.ExecuteNonQuery();
                }

                return 0;
            });
        }

        using var store = new SqliteTimelineStore(path);

        Assert.Equal(records[..2], (await store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)))).Items);
        Assert.Equal([records[1]], await store.LatestAsync("p-1", TimelineEntryType.Reading, ["spo2"]));
        Assert.Equal([records[2]], await store.LatestAsync("p-2", TimelineEntryType.Reading, ["spo2"]));
    }

    [Fact]
    public void RecordedOnceTypes_AreExactlyThoseAfterAlertCleared()
    {
        // The store keeps a unique id index for entries recorded once, selected by type number (schema version 2).
        Assert.All(Enum.GetValues<TimelineEntryType>(), type => Assert.Equal(type > TimelineEntryType.AlertCleared, !type.IsRebuildable()));
    }

    [Fact]
    public void Open_NewerSchemaThanTheProgram_RefusedByName()
    {
        var path = Path.Combine(_directory, "future.db");
        using (new SqliteDatabase(path, [.. SqliteTimelineStore.Migrations, new Migration(99, "CREATE TABLE later (x INTEGER)")]))
        {
        }

        var error = Assert.Throws<InvalidOperationException>(() => new SqliteTimelineStore(path));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }
}
