using System.Globalization;
using System.Text;
using IoMT.Core.Timeline;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Timeline;

/// <summary>
/// Timelines in Cosmos DB (docs/storage.md). An append writes one item per patient, month and retention (more when
/// their entries exceed <see cref="MaxItemBytes"/>), whose id derives from the batch's source position: a redelivered batch overwrites its own items; a batch redelivered with
/// other boundaries writes items that overlap earlier ones, and reads drop the repeats (the latest write of an id wins).
/// Items expire by time to live, so <see cref="PurgeAsync"/> has nothing to do.
/// </summary>
public sealed class CosmosTimelineStore : ITimelineStore
{
    private readonly ITimelineDocumentContainer _documents;
    private readonly TimeProvider _time;
    private readonly RetentionPolicy _retention;
    private long _lastWritten;

    public CosmosTimelineStore(Container container, TimeProvider time, RetentionPolicy? retention = null)
        : this(new CosmosTimelineDocumentContainer(container), time, retention)
    {
    }

    internal CosmosTimelineStore(ITimelineDocumentContainer documents, TimeProvider time, RetentionPolicy? retention = null)
    {
        _documents = documents;
        _time = time;
        _retention = retention ?? RetentionPolicy.Default;
    }

    public Task AppendAsync(string batchKey, IReadOnlyList<TimelineRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = _time.GetUtcNow();
        var written = NextWritten(now);
        var documents = new List<TimelineDocument>();
        foreach (var group in records.GroupBy(r => (r.PatientId, Month: TimelineDocument.MonthOf(r.At), Keep: _retention.For(r.Type))))
        {
            var keep = ((long)group.Key.Keep.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            var part = 0;

            // Ordered first, so a batch delivered again in another order is split the same way, into the same items.
            foreach (var entries in SplitBySize(group.OrderBy(r => r.At).ThenBy(r => r.Id, StringComparer.Ordinal)))
            {
                var maxAt = entries[^1].At;
                var secondsLeft = (group.Key.Keep - (now - maxAt)).TotalSeconds;
                var id = DeterministicId.Create("tl_", batchKey, group.Key.PatientId, group.Key.Month, keep, (part++).ToString(CultureInfo.InvariantCulture));
                if (secondsLeft < 1)
                {
                    // Already older than its retention: storing it would only be deleted again.
                    continue;
                }

                documents.Add(new TimelineDocument(
                    id,
                    group.Key.PatientId,
                    group.Key.Month,
                    entries[0].At,
                    maxAt,
                    written,
                    (int)Math.Min(int.MaxValue, Math.Ceiling(secondsLeft)),
                    [.. entries.Select(r => r.Code).Distinct(StringComparer.Ordinal)],
                    [.. entries.Select(r => (int)r.Type).Distinct()],
                    entries));
            }
        }

        return documents.Count == 0 ? Task.CompletedTask : _documents.UpsertAsync(documents, cancellationToken);
    }

    /// <summary>
    /// Entries per item are capped at about this many bytes of JSON. Cosmos DB refuses items over 2 MB, and writes cost
    /// the fewest request units per byte between 32 and 128 KB (docs/storage.md).
    /// </summary>
    public const int MaxItemBytes = 64 * 1024;

    /// <summary>
    /// Consecutive runs of <paramref name="ordered"/> whose JSON stays within <see cref="MaxItemBytes"/>, as few as
    /// possible and of about equal size (so the last is not a small remainder costing a write of its own).
    /// </summary>
    internal static IEnumerable<List<TimelineRecord>> SplitBySize(IEnumerable<TimelineRecord> ordered)
    {
        // The entry's members and punctuation take about 150 bytes besides its strings.
        var sized = ordered.Select(r => (Record: r, Bytes: 150 + Encoding.UTF8.GetByteCount(r.Data) + r.Id.Length + r.Code.Length + (r.DeviceId?.Length ?? 0))).ToList();
        var total = sized.Sum(s => (long)s.Bytes);
        var target = total / Math.Max(1, (total + MaxItemBytes - 1) / MaxItemBytes);
        var part = new List<TimelineRecord>();
        long bytes = 0;
        foreach (var (record, size) in sized)
        {
            if (part.Count > 0 && (bytes + size > MaxItemBytes || bytes >= target))
            {
                yield return part;
                part = [];
                bytes = 0;
            }

            part.Add(record);
            bytes += size;
        }

        if (part.Count > 0)
        {
            yield return part;
        }
    }

    public async Task<TimelinePage> QueryAsync(TimelineQuery query, CancellationToken cancellationToken = default)
    {
        TimelineQueries.Validate(query);
        var after = ContinuationToken.From(query);
        var lower = after is { } token ? Max(query.From, new DateTimeOffset(token.AtUtcTicks, TimeSpan.Zero)) : query.From;
        var code = query.Codes is { Count: 1 } codes ? codes.First() : null;
        var documents = _documents.QueryAsync(
            new DocumentQuery(query.PatientId, Months(lower, query.To), lower, query.To, code, DocumentOrder.MinAtAscending,
                query.Types?.Select(t => (int)t).ToList()), cancellationToken);

        var latest = new LatestWrite();
        DateTimeOffset? boundary = null;
        await foreach (var document in documents.ConfigureAwait(false))
        {
            // Items come oldest-first: entries before this item's first one are final, nothing later can repeat them.
            if (latest.CountBefore(document.MinAt) > query.PageSize)
            {
                boundary = document.MinAt;
                break;
            }

            foreach (var entry in document.Entries)
            {
                if (TimelineQueries.Matches(query, entry) && (after is not { } position || position.Precedes(entry)))
                {
                    latest.Offer(entry, document.Written);
                }
            }
        }

        var page = latest.Records
            .Where(r => boundary is null || r.At < boundary)
            .Order(Comparer<TimelineRecord>.Create(TimelineQueries.Compare))
            .Take(query.PageSize + 1)
            .ToList();
        var more = page.Count > query.PageSize;
        var items = page.Take(query.PageSize).ToList();
        return new TimelinePage(items, more ? ContinuationToken.After(items[^1]).ToString() : null);
    }

    public async Task<IReadOnlyList<TimelineRecord>> LatestAsync(string patientId, TimelineEntryType type, IReadOnlyCollection<string> codes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var found = new List<TimelineRecord>();
        foreach (var code in codes)
        {
            var latest = new LatestWrite();
            TimelineRecord? newest = null;
            var documents = _documents.QueryAsync(new DocumentQuery(patientId, null, null, null, code, DocumentOrder.MaxAtDescending), cancellationToken);
            await foreach (var document in documents.ConfigureAwait(false))
            {
                // Items come newest-last-entry first: once one ends before the newest found, none can hold a newer entry.
                if (newest is not null && document.MaxAt < newest.At)
                {
                    break;
                }

                foreach (var entry in document.Entries.Where(e => e.Type == type && e.Code == code))
                {
                    latest.Offer(entry, document.Written);
                }

                newest = latest.Records.MaxBy(r => r, Comparer<TimelineRecord>.Create(TimelineQueries.Compare));
            }

            if (newest is not null)
            {
                found.Add(newest);
            }
        }

        return found;
    }

    public async Task<IReadOnlyList<AggregateBucket>> AggregateAsync(
        string patientId, TimelineEntryType type, string code, DateTimeOffset since, DateTimeOffset until, TimeSpan bucketSize,
        TimelineValue value = TimelineValue.Primary, CancellationToken cancellationToken = default)
    {
        TimelineQueries.ValidateBucket(since, until, bucketSize);
        var latest = new LatestWrite();
        var documents = _documents.QueryAsync(new DocumentQuery(patientId, Months(since, until), since, until, code, DocumentOrder.MinAtAscending), cancellationToken);
        await foreach (var document in documents.ConfigureAwait(false))
        {
            foreach (var entry in document.Entries.Where(e => e.Type == type && e.Code == code && e.At >= since && e.At < until))
            {
                latest.Offer(entry, document.Written);
            }
        }

        return [.. latest.Records
            .Select(r => (r.At, Number: value == TimelineValue.Primary ? r.Value : r.Value2))
            .Where(x => x.Number is not null)
            .GroupBy(x => TimelineQueries.BucketStart(since, bucketSize, x.At))
            .OrderBy(g => g.Key)
            .Select(g => new AggregateBucket(g.Key, g.Count(), g.Min(x => x.Number!.Value), g.Max(x => x.Number!.Value), g.Average(x => x.Number!.Value)))];
    }

    /// <summary>Cosmos DB deletes items when their time to live runs out; there is nothing to purge.</summary>
    public Task<int> PurgeAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult(0);

    /// <summary>The months (UTC) an interval touches, for the partition filter.</summary>
    internal static List<string> Months(DateTimeOffset since, DateTimeOffset until)
    {
        var months = new List<string>();
        var month = new DateTime(since.UtcDateTime.Year, since.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        while (month < until.UtcDateTime)
        {
            months.Add(month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            month = month.AddMonths(1);
        }

        return months;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    /// <summary>Write times that increase even when the clock does not move between two appends.</summary>
    private long NextWritten(DateTimeOffset now)
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastWritten);
            var next = Math.Max(now.UtcTicks, last + 1);
            if (Interlocked.CompareExchange(ref _lastWritten, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>The latest-written version of each entry id seen so far.</summary>
    private sealed class LatestWrite
    {
        private readonly Dictionary<string, (TimelineRecord Record, long Written)> _byId = new(StringComparer.Ordinal);

        public IEnumerable<TimelineRecord> Records => _byId.Values.Select(v => v.Record);

        public void Offer(TimelineRecord record, long written)
        {
            if (!_byId.TryGetValue(record.Id, out var current) || written >= current.Written)
            {
                _byId[record.Id] = (record, written);
            }
        }

        public int CountBefore(DateTimeOffset at) => _byId.Values.Count(v => v.Record.At < at);
    }
}
