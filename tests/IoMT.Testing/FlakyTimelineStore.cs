using IoMT.Core.Timeline;

namespace IoMT.Testing;

/// <summary>
/// An in-memory timeline whose next <see cref="FailNext"/> appends fail with <paramref name="failure"/>, as during a store
/// outage, and whose next append can be held back (<see cref="HoldNext"/>), as during a slow write.
/// </summary>
public sealed class FlakyTimelineStore(Func<Exception> failure) : ITimelineStore
{
    private readonly InMemoryTimelineStore _store = new();

    public int FailNext { get; set; }

    /// <summary>The next append waits for this task (then fails or stores as usual); later appends do not.</summary>
    public Task? HoldNext { get; set; }

    public IReadOnlyCollection<TimelineRecord> All => _store.All;

    public async Task AppendAsync(string batchKey, IReadOnlyList<TimelineRecord> records, CancellationToken cancellationToken = default)
    {
        if (HoldNext is { } hold)
        {
            HoldNext = null;
            await hold.WaitAsync(cancellationToken);
        }

        if (FailNext > 0)
        {
            FailNext--;
            throw failure();
        }

        await _store.AppendAsync(batchKey, records, cancellationToken);
    }

    public Task<TimelinePage> QueryAsync(TimelineQuery query, CancellationToken cancellationToken = default) => _store.QueryAsync(query, cancellationToken);

    public Task<IReadOnlyList<TimelineRecord>> LatestAsync(string patientId, TimelineEntryType type, IReadOnlyCollection<string> codes, CancellationToken cancellationToken = default) =>
        _store.LatestAsync(patientId, type, codes, cancellationToken);

    public Task<IReadOnlyList<AggregateBucket>> AggregateAsync(
        string patientId, TimelineEntryType type, string code, DateTimeOffset since, DateTimeOffset until, TimeSpan bucketSize,
        TimelineValue value = TimelineValue.Primary, CancellationToken cancellationToken = default) =>
        _store.AggregateAsync(patientId, type, code, since, until, bucketSize, value, cancellationToken);

    public Task<int> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) => _store.PurgeAsync(policy, now, cancellationToken);
}
