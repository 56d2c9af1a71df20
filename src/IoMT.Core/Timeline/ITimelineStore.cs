namespace IoMT.Core.Timeline;

/// <summary>Which number of an entry to aggregate: the value, or the second one (diastolic pressure).</summary>
public enum TimelineValue
{
    Primary,
    Secondary,
}

/// <summary>
/// Patients' timelines. Every implementation passes the same contract tests (IoMT.Testing.TimelineStoreContract):
/// appending the same records again, or in another order, leaves the same state; queries page through a half-open time
/// interval in (time, id) order.
/// </summary>
public interface ITimelineStore
{
    /// <summary>
    /// Writes <paramref name="records"/> in one go. A record whose id is already stored replaces it: the same id is the
    /// same fact. <paramref name="batchKey"/> identifies the batch deterministically (the source position of its first
    /// message); stores that group records per batch derive their document ids from it.
    /// </summary>
    Task AppendAsync(string batchKey, IReadOnlyList<TimelineRecord> records, CancellationToken cancellationToken = default);

    Task<TimelinePage> QueryAsync(TimelineQuery query, CancellationToken cancellationToken = default);

    /// <summary>The most recent entry of each of <paramref name="codes"/> (e.g. the latest value of each reading kind); codes never seen are absent.</summary>
    Task<IReadOnlyList<TimelineRecord>> LatestAsync(string patientId, TimelineEntryType type, IReadOnlyCollection<string> codes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Count, min, max and average of one code's values in [<paramref name="since"/>, <paramref name="until"/>), per bucket
    /// of <paramref name="bucketSize"/> counted from <paramref name="since"/>; empty buckets are absent.
    /// </summary>
    Task<IReadOnlyList<AggregateBucket>> AggregateAsync(
        string patientId, TimelineEntryType type, string code, DateTimeOffset since, DateTimeOffset until, TimeSpan bucketSize,
        TimelineValue value = TimelineValue.Primary, CancellationToken cancellationToken = default);

    /// <summary>Deletes entries older than the policy keeps them; returns how many were deleted (stores that expire entries themselves return 0).</summary>
    Task<int> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default);
}

public static class TimelineStoreExtensions
{
    /// <summary>Every entry the query matches, page after page, fetched as the caller reads them.</summary>
    public static async IAsyncEnumerable<TimelineRecord> ReadAllAsync(
        this ITimelineStore timelines, TimelineQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        ArgumentNullException.ThrowIfNull(query);
        do
        {
            var page = await timelines.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Items)
            {
                yield return record;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }
        while (query.ContinuationToken is not null);
    }
}
