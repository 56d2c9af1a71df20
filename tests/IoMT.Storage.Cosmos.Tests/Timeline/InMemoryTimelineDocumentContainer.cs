using System.Runtime.CompilerServices;
using System.Text.Json;
using IoMT.Storage.Cosmos.Timeline;

namespace IoMT.Storage.Cosmos.Tests.Timeline;

/// <summary>
/// The container seam in memory, with the semantics of <see cref="CosmosTimelineDocumentContainer.ToSql"/>: items
/// are stored as their JSON and read back through it, so serialization is exercised too.
/// </summary>
internal sealed class InMemoryTimelineDocumentContainer : ITimelineDocumentContainer
{
    /// <summary>Cosmos DB's maximum item size, 2 MB.</summary>
    public const int MaxItemBytes = 2 * 1024 * 1024;

    private readonly Dictionary<(string PatientId, string Month, string Id), byte[]> _items = [];

    public int Count => _items.Count;

    public IEnumerable<TimelineDocument> All => _items.Values.Select(Read);

    public Task UpsertAsync(IReadOnlyList<TimelineDocument> documents, CancellationToken cancellationToken)
    {
        foreach (var document in documents)
        {
            var json = document.ToJson();
            if (json.Length > MaxItemBytes)
            {
                throw new InvalidOperationException($"413 Request Entity Too Large: item of {json.Length:N0} bytes (Cosmos DB allows {MaxItemBytes:N0}).");
            }

            _items[(document.PatientId, document.Month, document.Id)] = json;
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<TimelineDocument> QueryAsync(DocumentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var matching = _items.Values.Select(Read)
            .Where(d => d.PatientId == query.PatientId
                && (query.Months is null || query.Months.Contains(d.Month))
                && (query.MaxAtAtLeast is not { } maxAt || string.CompareOrdinal(TimelineDocument.SortableTime(d.MaxAt), TimelineDocument.SortableTime(maxAt)) >= 0)
                && (query.MinAtBefore is not { } minAt || string.CompareOrdinal(TimelineDocument.SortableTime(d.MinAt), TimelineDocument.SortableTime(minAt)) < 0)
                && (query.Code is null || d.Codes.Contains(query.Code))
                && (query.Types is null || query.Types.Count == 0 || query.Types.Any(d.Types.Contains)));
        var ordered = query.Order == DocumentOrder.MinAtAscending
            ? matching.OrderBy(d => TimelineDocument.SortableTime(d.MinAt), StringComparer.Ordinal)
            : matching.OrderByDescending(d => TimelineDocument.SortableTime(d.MaxAt), StringComparer.Ordinal);
        foreach (var document in ordered.ToList())
        {
            await Task.Yield();
            yield return document;
        }
    }

    private static TimelineDocument Read(byte[] json)
    {
        using var item = JsonDocument.Parse(json);
        return TimelineDocument.FromJson(item.RootElement);
    }
}
