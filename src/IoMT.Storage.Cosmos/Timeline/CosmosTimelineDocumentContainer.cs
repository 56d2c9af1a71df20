using System.Collections.ObjectModel;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Timeline;

/// <summary>Timeline items in a Cosmos DB container, through the stream APIs (our own JSON, no serializer in between).</summary>
internal sealed class CosmosTimelineDocumentContainer(Container container) : ITimelineDocumentContainer
{
    /// <summary>
    /// The container the timeline needs: hierarchical partition key [/patientId, /month] so no logical partition
    /// approaches 20 GB; time to live on, per item; and an index on only what queries filter and sort by (the entries
    /// themselves are not indexed, which keeps writes cheap). infra/ declares the same container.
    /// </summary>
    public static ContainerProperties Definition(string name)
    {
        var properties = new ContainerProperties(name, (IReadOnlyList<string>)["/patientId", "/month"]) { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.IndexingMode = IndexingMode.Consistent;
        properties.IndexingPolicy.Automatic = true;
        properties.IndexingPolicy.IncludedPaths.Clear();
        foreach (var path in IndexedPaths)
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }

    public static ReadOnlyCollection<string> IndexedPaths { get; } = new(["/patientId/?", "/month/?", "/minAt/?", "/maxAt/?", "/codes/[]/?", "/types/[]/?"]);

    public async Task UpsertAsync(IReadOnlyList<TimelineDocument> documents, CancellationToken cancellationToken)
    {
        var writes = documents
            .GroupBy(d => (d.PatientId, d.Month))
            .Select(partition => WritePartitionAsync(partition.Key.PatientId, partition.Key.Month, [.. partition], cancellationToken));
        await Task.WhenAll(writes).ConfigureAwait(false);
    }

    public IAsyncEnumerable<TimelineDocument> QueryAsync(DocumentQuery query, CancellationToken cancellationToken) =>
        CosmosStreams.QueryAsync(container, ToSql(query), new QueryRequestOptions { MaxItemCount = 100 }, TimelineDocument.FromJson, cancellationToken);

    /// <summary>The Cosmos DB SQL of a query; the patient filter routes it to that patient's partitions only.</summary>
    public static QueryDefinition ToSql(DocumentQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT * FROM c WHERE c.patientId = @patient AND c.docType = @docType");
        var parameters = new List<(string, object)> { ("@patient", query.PatientId), ("@docType", TimelineDocument.DocumentType) };
        if (query.Months is { } months)
        {
            sql.Append(" AND ARRAY_CONTAINS(@months, c.month)");
            parameters.Add(("@months", months));
        }

        if (query.MaxAtAtLeast is { } maxAt)
        {
            sql.Append(" AND c.maxAt >= @maxAtAtLeast");
            parameters.Add(("@maxAtAtLeast", TimelineDocument.SortableTime(maxAt)));
        }

        if (query.MinAtBefore is { } minAt)
        {
            sql.Append(" AND c.minAt < @minAtBefore");
            parameters.Add(("@minAtBefore", TimelineDocument.SortableTime(minAt)));
        }

        if (query.Code is { } code)
        {
            sql.Append(" AND ARRAY_CONTAINS(c.codes, @code)");
            parameters.Add(("@code", code));
        }

        if (query.Types is { Count: > 0 } types)
        {
            sql.Append(" AND (").AppendJoin(" OR ", types.Select((_, i) => $"ARRAY_CONTAINS(c.types, @type{i})")).Append(')');
            parameters.AddRange(types.Select((type, i) => ($"@type{i}", (object)type)));
        }

        sql.Append(query.Order == DocumentOrder.MinAtAscending ? " ORDER BY c.minAt ASC" : " ORDER BY c.maxAt DESC");
        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        return definition;
    }

    /// <summary>A transactional batch carries at most 100 operations and 2 MB; ours stay below both with room to spare.</summary>
    internal const int MaxBatchOperations = 100;

    internal const int MaxBatchBytes = 1_800_000;

    /// <summary>Groups serialized items, in order, into as few transactional batches as the limits allow.</summary>
    internal static List<List<byte[]>> PackIntoBatches(IEnumerable<byte[]> items)
    {
        var batches = new List<List<byte[]>>();
        var bytes = 0;
        foreach (var item in items)
        {
            if (batches.Count == 0 || batches[^1].Count == MaxBatchOperations || bytes + item.Length > MaxBatchBytes)
            {
                batches.Add([]);
                bytes = 0;
            }

            batches[^1].Add(item);
            bytes += item.Length;
        }

        return batches;
    }

    private async Task WritePartitionAsync(string patientId, string month, List<TimelineDocument> documents, CancellationToken cancellationToken)
    {
        var partitionKey = new PartitionKeyBuilder().Add(patientId).Add(month).Build();
        foreach (var items in PackIntoBatches(documents.Select(d => d.ToJson())))
        {
            if (items.Count == 1)
            {
                using var content = new MemoryStream(items[0]);
                using var response = await container.UpsertItemStreamAsync(content, partitionKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                continue;
            }

            var batch = container.CreateTransactionalBatch(partitionKey);
            var streams = items.Select(item => new MemoryStream(item)).ToList();
            try
            {
                streams.ForEach(stream => batch.UpsertItemStream(stream));
                using var result = await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                if (!result.IsSuccessStatusCode)
                {
                    throw new CosmosException($"Timeline batch for one partition failed: {result.ErrorMessage}", result.StatusCode, 0, result.ActivityId, result.RequestCharge);
                }
            }
            finally
            {
                streams.ForEach(s => s.Dispose());
            }
        }
    }
}
