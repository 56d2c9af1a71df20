using BenchmarkDotNet.Attributes;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;

namespace IoMT.Benchmarks;

/// <summary>
/// Reads from the SQLite timeline of one million entries (<see cref="TimelineDataset"/>): what the console and the
/// FHIR export ask for one patient.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class TimelineQueryBenchmarks
{
    private static readonly string[] Vitals = ["heartRate", "spo2", "respiratoryRate", "bodyTemperature", "bloodPressure"];
    private SqliteTimelineStore _store = null!;
    private TimelineQuery _day = null!;

    [GlobalSetup]
    public void Setup()
    {
        _store = new SqliteTimelineStore(TimelineDataset.EnsureBuilt());
        _day = new TimelineQuery(TimelineDataset.PatientId(42), TimelineDataset.Start, TimelineDataset.Start.AddDays(1), PageSize: TimelineQuery.MaxPageSize);
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    /// <summary>The latest page a timeline view opens with.</summary>
    [Benchmark]
    public async Task<int> FirstPageOf100() => (await _store.QueryAsync(_day with { PageSize = 100 })).Items.Count;

    /// <summary>One hour of one patient: 417 entries.</summary>
    [Benchmark]
    public Task<int> Hour() => ReadAllAsync(_day with { From = TimelineDataset.Start.AddHours(12), To = TimelineDataset.Start.AddHours(13) });

    /// <summary>One day of one patient: 10,000 entries in 10 pages.</summary>
    [Benchmark]
    public Task<int> Day() => ReadAllAsync(_day);

    /// <summary>The latest value of five vital signs (a patient list row).</summary>
    [Benchmark]
    public async Task<int> LatestVitals() =>
        (await _store.LatestAsync(_day.PatientId, TimelineEntryType.Reading, Vitals)).Count;

    /// <summary>A day of heart rate in 5-minute buckets (a chart).</summary>
    [Benchmark]
    public async Task<int> DayChart5Min() =>
        (await _store.AggregateAsync(_day.PatientId, TimelineEntryType.Reading, "heartRate", _day.From, _day.To, TimeSpan.FromMinutes(5))).Count;

    private async Task<int> ReadAllAsync(TimelineQuery query)
    {
        var count = 0;
        do
        {
            var page = await _store.QueryAsync(query);
            count += page.Items.Count;
            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);
        return count;
    }
}
