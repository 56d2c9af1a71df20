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
