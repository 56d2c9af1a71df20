namespace IoMT.Storage.Cosmos.Timeline;

internal enum DocumentOrder
{
    /// <summary>Oldest first entry first (paging forward in time).</summary>
    MinAtAscending,

    /// <summary>Newest last entry first (latest values).</summary>
    MaxAtDescending,
}

/// <summary>
/// Which items to read: one patient's, optionally only in some months, only items whose entries may overlap a time
/// interval (<see cref="MaxAtAtLeast"/>, <see cref="MinAtBefore"/>), only items holding a code, and only items
/// holding entries of some types.
/// </summary>
internal sealed record DocumentQuery(
    string PatientId,
    IReadOnlyList<string>? Months,
    DateTimeOffset? MaxAtAtLeast,
    DateTimeOffset? MinAtBefore,
    string? Code,
    DocumentOrder Order,
    IReadOnlyList<int>? Types = null);

/// <summary>
/// The few container operations the timeline store needs. Cosmos DB in production
/// (<see cref="CosmosTimelineDocumentContainer"/>); an in-memory twin with the same query semantics lets the store's
/// logic pass the timeline contract tests on machines without Cosmos DB.
/// </summary>
internal interface ITimelineDocumentContainer
{
    /// <summary>Upserts the items, each of a partition in one transactional batch (all or nothing per partition).</summary>
    Task UpsertAsync(IReadOnlyList<TimelineDocument> documents, CancellationToken cancellationToken);

    IAsyncEnumerable<TimelineDocument> QueryAsync(DocumentQuery query, CancellationToken cancellationToken);
}
