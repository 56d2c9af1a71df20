using IoMT.Core.Timeline;
using Xunit;

namespace IoMT.Testing;

/// <summary>
/// The behaviour every <see cref="ITimelineStore"/> must have. A test project derives from this class once per
/// implementation; xunit runs every fact below against it.
/// </summary>
public abstract class TimelineStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private ITimelineStore? _store;

    /// <summary>The store under test; skips the test when <see cref="SkipReason"/> says the store is not available here.</summary>
    protected ITimelineStore Store => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Why this store cannot be tested on this machine (e.g. no Cosmos DB endpoint configured); null when it can.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>False for stores that expire entries themselves (Cosmos DB time to live): the purge test is skipped.</summary>
    protected virtual bool PurgesExplicitly => true;

    /// <summary>An empty store of its own for each test.</summary>
    protected abstract Task<ITimelineStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [SkippableFact]
    public async Task Query_AfterAppend_AllEntriesInTimeThenIdOrder()
    {
        var records = Readings("p-1", 10);
        await Store.AppendAsync("0:1", [.. records.AsEnumerable().Reverse()]);

        var page = await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)));

        Assert.Equal(records, page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [SkippableFact]
    public async Task Append_SameBatchTwiceAndShuffled_SameState()
    {
        var records = Readings("p-1", 25);
        await Store.AppendAsync("0:1", records);
        await Store.AppendAsync("0:1", records);
        await Store.AppendAsync("0:7", [.. records.OrderBy(r => r.Id.GetHashCode(StringComparison.Ordinal))]);

        var page = await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), PageSize: 100));

        Assert.Equal(records, page.Items);
    }

    [SkippableFact]
    public async Task Append_SameIdNewContent_Replaces()
    {
        var original = Reading("p-1", 1, 90);
        await Store.AppendAsync("0:1", [original]);

        var corrected = original with { Value = 91, Data = "{\"corrected\":true}" };
        await Store.AppendAsync("0:2", [corrected]);

        Assert.Equal([corrected], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)))).Items);
    }

    [SkippableFact]
    public async Task Append_AlertRegradedAgain_OneEntry()
    {
        var regraded = AlertRegraded("p-1");
        await Store.AppendAsync("0:1", [regraded]);
        await Store.AppendAsync("0:1", [regraded]);

        Assert.Equal([regraded], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), [TimelineEntryType.AlertRegraded]))).Items);
    }

    [SkippableFact]
    public async Task Append_RecordedOnceEntryAgainAtAnotherTime_ReplacesIt()
    {
        // A notification delivered again after a crash: same id (notification and channel), a later time.
        var first = new TimelineRecord("nt_1", "p-1", T0, TimelineEntryType.Notification, "alert", null, null, null, "{\"attempts\":1}");
        var again = first with { At = T0.AddSeconds(30), Data = "{\"attempts\":2}" };
        await Store.AppendAsync("k", [first]);
        await Store.AppendAsync("k", [again]);

        Assert.Equal([again], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1)))).Items);
    }

    [SkippableFact]
    public async Task Query_Paging_EveryEntryExactlyOnceThenNoToken()
    {
        var records = Readings("p-1", 10);
        await Store.AppendAsync("0:1", records);

        var seen = new List<TimelineRecord>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), PageSize: 3, ContinuationToken: token));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(records, seen);
        Assert.Equal(4, pages);
    }

    [SkippableFact]
    public async Task Query_EntriesAtTheSameInstant_PagedByIdWithoutLossOrRepeat()
    {
        var records = Enumerable.Range(0, 7).Select(i => Reading("p-1", 0, i) with { Id = $"rd_same_{i}" }).ToList();
        await Store.AppendAsync("0:1", records);

        var first = await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), PageSize: 4));
        var second = await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), PageSize: 4, ContinuationToken: first.ContinuationToken));

        Assert.Equal(records, first.Items.Concat(second.Items));
    }

    [SkippableFact]
    public async Task Query_TimeRange_FromIncludedToExcluded()
    {
        await Store.AppendAsync("0:1", [Reading("p-1", 0, 1), Reading("p-1", 60, 2), Reading("p-1", 120, 3)]);

        var page = await Store.QueryAsync(new TimelineQuery("p-1", T0.AddSeconds(60), T0.AddSeconds(120)));

        Assert.Equal([2.0], page.Items.Select(r => r.Value!.Value));
    }

    [SkippableFact]
    public async Task Query_OtherPatientsAndFilters_Excluded()
    {
        var spo2 = Reading("p-1", 1, 95);
        var heart = Reading("p-1", 2, 70) with { Id = "rd_hr", Code = "heartRate" };
        var score = new TimelineRecord("ns_1", "p-1", T0.AddSeconds(3), TimelineEntryType.News2, "news2", 2, null, null, "{}");
        await Store.AppendAsync("0:1", [spo2, heart, score, Reading("p-2", 1, 80)]);

        Assert.Equal([spo2, heart], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), Types: [TimelineEntryType.Reading]))).Items);
        Assert.Equal([heart], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), Codes: ["heartRate"]))).Items);
        Assert.Equal([score], (await Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), Types: [TimelineEntryType.News2]))).Items);
    }

    [SkippableFact]
    public async Task Query_BadContinuationToken_ArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.QueryAsync(new TimelineQuery("p-1", T0, T0.AddHours(1), ContinuationToken: "garbage")));
    }

    [SkippableFact]
    public async Task Latest_MostRecentEntryOfEachCode()
    {
        var oldSpo2 = Reading("p-1", 1, 91);
        var newSpo2 = Reading("p-1", 50, 96);
        var heart = Reading("p-1", 10, 70) with { Id = "rd_hr", Code = "heartRate" };
        await Store.AppendAsync("0:1", [newSpo2, oldSpo2, heart, Reading("p-2", 90, 80)]);

        var latest = await Store.LatestAsync("p-1", TimelineEntryType.Reading, ["spo2", "heartRate", "glucose"]);

        Assert.Equal([heart, newSpo2], latest.OrderBy(r => r.Code, StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Aggregate_PerBucketMinMaxAverageCount_EmptyBucketsAbsent()
    {
        // Bucket 0 (0–59 s): 90, 94; bucket 1: 88; bucket 2 empty; bucket 3: 97 and 99; 180 s is the end, excluded.
        await Store.AppendAsync("0:1", [Reading("p-1", 0, 90), Reading("p-1", 30, 94), Reading("p-1", 60, 88), Reading("p-1", 180, 97), Reading("p-1", 239, 99), Reading("p-1", 240, 50)]);

        var buckets = await Store.AggregateAsync("p-1", TimelineEntryType.Reading, "spo2", T0, T0.AddSeconds(240), TimeSpan.FromMinutes(1));

        Assert.Equal(
            [new AggregateBucket(T0, 2, 90, 94, 92), new AggregateBucket(T0.AddMinutes(1), 1, 88, 88, 88), new AggregateBucket(T0.AddMinutes(3), 2, 97, 99, 98)],
            buckets);
    }

    [SkippableFact]
    public async Task Aggregate_SecondaryValue_Diastolic()
    {
        var pressure = new TimelineRecord("rd_bp", "p-1", T0, TimelineEntryType.Reading, "bloodPressure", 120, 80, "cuff", "{}");
        await Store.AppendAsync("0:1", [pressure, pressure with { Id = "rd_bp2", At = T0.AddSeconds(10), Value = 130, Value2 = 84 }]);

        var buckets = await Store.AggregateAsync("p-1", TimelineEntryType.Reading, "bloodPressure", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), TimelineValue.Secondary);

        Assert.Equal([new AggregateBucket(T0, 2, 80, 84, 82)], buckets);
    }

    [SkippableFact]
    public async Task Purge_DeletesOnlyWhatThePolicyNoLongerKeeps()
    {
        Skip.IfNot(PurgesExplicitly, "This store expires entries itself (time to live).");
        var now = T0.AddDays(100);
        var oldQuarantine = new TimelineRecord("qr_old", "p-1", T0, TimelineEntryType.Quarantine, "value.out-of-range", null, null, "d", "{}");
        var newQuarantine = oldQuarantine with { Id = "qr_new", At = now.AddDays(-1) };
        var oldReading = Reading("p-1", 0, 95);
        await Store.AppendAsync("0:1", [oldQuarantine, newQuarantine, oldReading]);

        var deleted = await Store.PurgeAsync(RetentionPolicy.Default, now);

        Assert.Equal(1, deleted);
        Assert.Equal([oldReading, newQuarantine], (await Store.QueryAsync(new TimelineQuery("p-1", T0, now))).Items);
    }

    [SkippableFact]
    public async Task Append_ManyPatientsInOneBatch_EachTimelineComplete()
    {
        var records = Enumerable.Range(0, 20).SelectMany(p => Readings($"p-{p}", 5)).ToList();

        await Store.AppendAsync("0:1", records);

        foreach (var patient in Enumerable.Range(0, 20))
        {
            Assert.Equal(5, (await Store.QueryAsync(new TimelineQuery($"p-{patient}", T0, T0.AddHours(1)))).Items.Count);
        }
    }

    /// <summary>An alert regrade: derived by ingestion, its type numbered among those recorded once.</summary>
    protected static TimelineRecord AlertRegraded(string patientId) =>
        new("ag_1", patientId, T0, TimelineEntryType.AlertRegraded, "news2-emergency", 8, null, null, "{\"priority\":\"high\"}");

    /// <summary>A reading <paramref name="second"/> seconds after <see cref="T0"/> with a value, its id from both.</summary>
    protected static TimelineRecord Reading(string patientId, int second, double value) =>
        new($"rd_{patientId}_{second:D5}_{value}", patientId, T0.AddSeconds(second), TimelineEntryType.Reading, "spo2", value, null, "oximeter-1",
            $$"""{"value":{{value}}}""");

    protected static List<TimelineRecord> Readings(string patientId, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Reading(patientId, i * 10, 90 + i))];
}
