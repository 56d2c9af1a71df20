using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Storage.Cosmos.Timeline;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Timeline;

/// <summary>The Cosmos DB store's logic (grouping, overlap and repeat handling, paging, latest, aggregates) against the contract.</summary>
public class CosmosTimelineStoreTests : TimelineStoreContract
{
    private readonly InMemoryTimelineDocumentContainer _container = new();

    protected override bool PurgesExplicitly => false;

    protected override Task<ITimelineStore> CreateStoreAsync() =>
        Task.FromResult<ITimelineStore>(new CosmosTimelineStore(_container, TimeProvider.System));

    [Fact]
    public async Task Append_OneItemPerPatientMonthAndRetention_IdFromTheBatch()
    {
        var lastOctober = Reading("p-1", 0, 90) with { Id = "rd_oct", At = new DateTimeOffset(2026, 10, 31, 23, 59, 0, TimeSpan.Zero) };
        var quarantined = new TimelineRecord("qr_1", "p-1", T0, TimelineEntryType.Quarantine, "value.out-of-range", null, null, "d", "{}");
        await Store.AppendAsync("0:42", [.. Readings("p-1", 3), lastOctober, quarantined, .. Readings("p-2", 2)]);

        var items = _container.All.OrderBy(d => d.PatientId).ThenBy(d => d.Month).ThenBy(d => d.Entries.Count).ToList();

        Assert.Equal([("p-1", "2026-10", 1), ("p-1", "2026-11", 1), ("p-1", "2026-11", 3), ("p-2", "2026-11", 2)],
            items.Select(d => (d.PatientId, d.Month, d.Entries.Count)));
        Assert.All(items, d => Assert.StartsWith("tl_", d.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Append_SameBatchAgain_OverwritesItsOwnItems()
    {
        await Store.AppendAsync("0:42", Readings("p-1", 3));
        await Store.AppendAsync("0:42", Readings("p-1", 3));

        Assert.Equal(1, _container.Count);
    }

    [Fact]
    public async Task Append_OnePatientsEntriesBeyondTheItemSizeLimit_SplitIntoItemsThatFitAndAllReadable()
    {
        var data = $"{{\"payload\":\"{new string('x', 2000)}\"}}";
        var records = Readings("p-1", 3000).Select(r => r with { Data = data }).ToList();

        await Store.AppendAsync("0:7", records);
        await Store.AppendAsync("0:7", [.. records.AsEnumerable().Reverse()]);

        Assert.InRange(_container.Count, 90, 120);
        Assert.All(_container.All, d => Assert.True(d.ToJson().Length <= CosmosTimelineStore.MaxItemBytes + 1024));
        Assert.Equal(3000, (await AllAsync("p-1")).Count);
    }

    [Fact]
    public async Task Append_OnePatientsMonitorBatch_TwoItemsOfAboutEqualSizeUnder64KB()
    {
        // 100 messages of heart rate, SpO2 and battery from one patient's monitor: one Event Hubs batch (docs/storage.md).
        var context = new InMemoryIngestionContext().AddDevice("monitor-1").AddBinding(new DeviceBinding("monitor-1", "p-1", T0.AddDays(-1), null));
        var messages = Enumerable.Range(0, 100).Select(i => new TelemetryMessage("monitor-1", $"m-{i}")
            .HeartRate(70, T0.AddSeconds(i)).Spo2(96, T0.AddSeconds(i)).Quantity("battery", 80, "%", T0.AddSeconds(i))
            .Received(T0.AddSeconds(i + 1), $"0:{i}")).ToArray();
        var records = TimelineRecords.From(new IngestionPipeline().Process(messages, context)).Where(r => r.Type == TimelineEntryType.Reading).ToList();

        await Store.AppendAsync("0:0", records);

        var sizes = _container.All.Select(d => d.ToJson().Length).Order().ToList();
        Assert.Equal(300, _container.All.Sum(d => d.Entries.Count));
        Assert.Equal(2, sizes.Count);
        Assert.All(sizes, size => Assert.InRange(size, 50_000, 64 * 1024));
        Assert.InRange(sizes[1] - sizes[0], 0, 2_000);
    }

    [Fact]
    public async Task Append_ItemsCarryTimeToLiveFromTheNewestEntry()
    {
        var now = DateTimeOffset.UtcNow;
        var store = new CosmosTimelineStore(_container, TimeProvider.System);
        var recent = new TimelineRecord("qr_recent", "p-1", now.AddDays(-10), TimelineEntryType.Quarantine, "x", null, null, "d", "{}");
        var expired = recent with { Id = "qr_expired", PatientId = "p-2", At = now.AddDays(-100) };

        await store.AppendAsync("0:1", [recent, expired]);

        var item = Assert.Single(_container.All);
        Assert.Equal("p-1", item.PatientId);
        Assert.InRange(item.TimeToLiveSeconds!.Value, TimeSpan.FromDays(79.9).TotalSeconds, TimeSpan.FromDays(80).TotalSeconds + 1);
    }

    [Fact]
    public void Months_EveryMonthTheIntervalTouches()
    {
        Assert.Equal(["2026-11", "2026-12", "2027-01"],
            CosmosTimelineStore.Months(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 0, 1, TimeSpan.Zero)));
        Assert.Equal(["2026-11"], CosmosTimelineStore.Months(T0, T0.AddHours(1)));
    }

    private async Task<List<TimelineRecord>> AllAsync(string patientId)
    {
        var all = new List<TimelineRecord>();
        var query = new TimelineQuery(patientId, T0.AddDays(-1), T0.AddDays(1), PageSize: TimelineQuery.MaxPageSize);
        do
        {
            var page = await Store.QueryAsync(query);
            all.AddRange(page.Items);
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);
        return all;
    }
}
