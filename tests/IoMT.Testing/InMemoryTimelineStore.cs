using System.Collections.Concurrent;
using IoMT.Core.Timeline;

namespace IoMT.Testing;

/// <summary>The reference <see cref="ITimelineStore"/>: a dictionary by id, for tests of code that writes timelines.</summary>
public sealed class InMemoryTimelineStore : ITimelineStore
{
    private readonly ConcurrentDictionary<string, TimelineRecord> _records = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TimelineRecord> All => [.. _records.Values.OrderBy(r => r, Comparer<TimelineRecord>.Create(TimelineQueries.Compare))];

    public Task AppendAsync(string batchKey, IReadOnlyList<TimelineRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            _records[record.Id] = record;
        }

        return Task.CompletedTask;
    }

    public Task<TimelinePage> QueryAsync(TimelineQuery query, CancellationToken cancellationToken = default)
    {
        TimelineQueries.Validate(query);
        var after = ContinuationToken.From(query);
        var matching = _records.Values
            .Where(r => r.PatientId == query.PatientId && TimelineQueries.Matches(query, r) && (after is not { } token || token.Precedes(r)))
            .Order(Comparer<TimelineRecord>.Create(TimelineQueries.Compare))
            .Take(query.PageSize + 1)
            .ToList();
        var more = matching.Count > query.PageSize;
        var items = matching.Take(query.PageSize).ToList();
        return Task.FromResult(new TimelinePage(items, more ? ContinuationToken.After(items[^1]).ToString() : null));
    }

    public Task<IReadOnlyList<TimelineRecord>> LatestAsync(string patientId, TimelineEntryType type, IReadOnlyCollection<string> codes, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TimelineRecord> latest = [.. _records.Values
            .Where(r => r.PatientId == patientId && r.Type == type && codes.Contains(r.Code))
            .GroupBy(r => r.Code)
            .Select(g => g.Order(Comparer<TimelineRecord>.Create(TimelineQueries.Compare)).Last())];
        return Task.FromResult(latest);
    }

    public Task<IReadOnlyList<AggregateBucket>> AggregateAsync(
        string patientId, TimelineEntryType type, string code, DateTimeOffset since, DateTimeOffset until, TimeSpan bucketSize,
        TimelineValue value = TimelineValue.Primary, CancellationToken cancellationToken = default)
    {
        TimelineQueries.ValidateBucket(since, until, bucketSize);
        IReadOnlyList<AggregateBucket> buckets = [.. _records.Values
            .Where(r => r.PatientId == patientId && r.Type == type && r.Code == code && r.At >= since && r.At < until)
            .Select(r => (r.At, Number: value == TimelineValue.Primary ? r.Value : r.Value2))
            .Where(x => x.Number is not null)
            .GroupBy(x => TimelineQueries.BucketStart(since, bucketSize, x.At))
            .OrderBy(g => g.Key)
            .Select(g => new AggregateBucket(g.Key, g.Count(), g.Min(x => x.Number!.Value), g.Max(x => x.Number!.Value), g.Average(x => x.Number!.Value)))];
        return Task.FromResult(buckets);
    }

    public Task<int> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var expired = _records.Values.Where(r => r.At < now - policy.For(r.Type)).ToList();
        foreach (var record in expired)
        {
            _records.TryRemove(record.Id, out _);
        }

        return Task.FromResult(expired.Count);
    }
}
