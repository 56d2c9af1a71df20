namespace IoMT.Core.Timeline;

/// <summary>Checks and helpers every store applies the same way.</summary>
public static class TimelineQueries
{
    /// <summary>Refuses a query no store should run, naming the problem (hosts answer 400).</summary>
    public static void Validate(TimelineQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrEmpty(query.PatientId))
        {
            throw new ArgumentException("A patient is required.", nameof(query));
        }

        if (query.To <= query.From)
        {
            throw new ArgumentException("'to' must be after 'from'.", nameof(query));
        }

        if (query.PageSize is < 1 or > TimelineQuery.MaxPageSize)
        {
            throw new ArgumentException($"The page size must be between 1 and {TimelineQuery.MaxPageSize}.", nameof(query));
        }

        ContinuationToken.From(query);
    }

    public static void ValidateBucket(DateTimeOffset since, DateTimeOffset until, TimeSpan bucketSize)
    {
        if (until <= since)
        {
            throw new ArgumentException("'until' must be after 'since'.", nameof(until));
        }

        if (bucketSize < TimeSpan.FromSeconds(1) || (until - since).Ticks / bucketSize.Ticks > 10_000)
        {
            throw new ArgumentException("The bucket size must be at least a second and give at most 10,000 buckets.", nameof(bucketSize));
        }
    }

    /// <summary>Whether <paramref name="record"/> passes the query's time, type and code filters.</summary>
    public static bool Matches(TimelineQuery query, TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(record);
        return record.At >= query.From && record.At < query.To
            && (query.Types is null || query.Types.Count == 0 || query.Types.Contains(record.Type))
            && (query.Codes is null || query.Codes.Count == 0 || query.Codes.Contains(record.Code));
    }

    /// <summary>Time order with the id as tie-breaker: the order of pages.</summary>
    public static int Compare(TimelineRecord a, TimelineRecord b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    /// <summary>Start of the bucket holding <paramref name="at"/>, buckets counted from <paramref name="since"/>.</summary>
    public static DateTimeOffset BucketStart(DateTimeOffset since, TimeSpan bucketSize, DateTimeOffset at) =>
        since.AddTicks((at.UtcTicks - since.UtcTicks) / bucketSize.Ticks * bucketSize.Ticks);
}
