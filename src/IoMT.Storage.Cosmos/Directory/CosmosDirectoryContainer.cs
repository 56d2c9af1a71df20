using System.Collections.ObjectModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Directory;

/// <summary>The directory in a Cosmos DB container, through the stream APIs (our own JSON, no serializer in between).</summary>
internal sealed class CosmosDirectoryContainer(Container container) : IDirectoryContainer
{
    /// <summary>
    /// The container: partition key <c>/pk</c> (a device with its history, a group, a patient: each its own logical
    /// partition, so reads and writes of one are point operations and history is written with its device in one
    /// transactional batch); indexed paths only what list queries filter and sort by.
    /// </summary>
    public static ContainerProperties Definition(string name)
    {
        var properties = new ContainerProperties(name, "/pk");
        properties.IndexingPolicy.IncludedPaths.Clear();
        foreach (var path in IndexedPaths)
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }

    public static ReadOnlyCollection<string> IndexedPaths { get; } = new(
        ["/pk/?", "/type/?", "/deviceId/?", "/manufacturer/?", "/model/?", "/status/?", "/kinds/[]/?", "/patientId/?", "/deleted/?", "/groupId/?", "/careTeams/[]/?"]);

    public async Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        using var response = await container.ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var json = (JsonObject)(await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        return new StoredDocument(json, response.Headers.ETag);
    }

    public async Task<IReadOnlyList<JsonObject>> ReadManyAsync(IReadOnlyList<(string PartitionKey, string Id)> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        using var response = await container.ReadManyItemsStreamAsync([.. items.Select(i => (i.Id, new PartitionKey(i.PartitionKey)))], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var page = (JsonObject)(await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        return [.. page["Documents"]!.AsArray().Select(d => d!.DeepClone().AsObject())];
    }

    public async Task<bool> CreateAsync(string partitionKey, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken)
    {
        var batch = container.CreateTransactionalBatch(new PartitionKey(partitionKey));
        var streams = documents.Select(CosmosStreams.Json).ToList();
        streams.ForEach(stream => batch.CreateItemStream(stream));
        try
        {
            using var result = await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return result.IsSuccessStatusCode || (result.StatusCode == HttpStatusCode.Conflict ? false : throw Failure(result));
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }

    public async Task<bool> ReplaceAsync(string partitionKey, JsonObject document, string etag, IReadOnlyList<JsonObject> alsoCreate, CancellationToken cancellationToken)
    {
        var batch = container.CreateTransactionalBatch(new PartitionKey(partitionKey));
        var streams = new List<MemoryStream> { CosmosStreams.Json(document) };
        batch.ReplaceItemStream((string)document["id"]!, streams[0], new TransactionalBatchItemRequestOptions { IfMatchEtag = etag });
        foreach (var extra in alsoCreate)
        {
            streams.Add(CosmosStreams.Json(extra));
            batch.CreateItemStream(streams[^1]);
        }

        try
        {
            using var result = await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return result.IsSuccessStatusCode || (result.StatusCode == HttpStatusCode.PreconditionFailed ? false : throw Failure(result));
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }

    public async Task UpsertAsync(string partitionKey, JsonObject document, CancellationToken cancellationToken)
    {
        using var content = CosmosStreams.Json(document);
        using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(partitionKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public async Task MarkSeenAsync(string partitionKey, string id, long ticks, CancellationToken cancellationToken)
    {
        var options = new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE NOT IS_DEFINED(c.lastSeen) OR c.lastSeen < {ticks}" };
        using var response = await container.PatchItemStreamAsync(id, new PartitionKey(partitionKey), [PatchOperation.Set("/lastSeen", ticks)], options, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound))
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public IAsyncEnumerable<JsonObject> QueryAsync(DirectoryQuery query, CancellationToken cancellationToken)
    {
        var options = new QueryRequestOptions { MaxItemCount = Math.Min(query.Limit ?? 1000, 1000) };
        if (query.DeviceId is { } device)
        {
            options.PartitionKey = new PartitionKey(DirectoryDocuments.DevicePartition(device));
        }

        return CosmosStreams.QueryAsync(container, ToSql(query), options, item => JsonObject.Create(item)!, cancellationToken);
    }

    /// <summary>The Cosmos DB SQL of a query, every value a parameter.</summary>
    public static QueryDefinition ToSql(DirectoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT * FROM c WHERE c.type = @type");
        var parameters = new List<(string, object)>();
        void Where(string clause, string name, object value)
        {
            sql.Append(" AND ").Append(clause);
            parameters.Add((name, value));
        }

        switch (query.Kind)
        {
            case DirectoryQueryKind.DeviceHistory:
                parameters.Add(("@type", DirectoryDocuments.ChangeType));
                Where("c.deviceId = @deviceId", "@deviceId", query.DeviceId!);
                sql.Append(" ORDER BY c.id");
                break;
            case DirectoryQueryKind.EnrollmentGroups:
                parameters.Add(("@type", DirectoryDocuments.GroupType));
                sql.Append(" ORDER BY c.groupId");
                break;
            case DirectoryQueryKind.Patients:
                parameters.Add(("@type", DirectoryDocuments.PatientType));
                if (query.CareTeams is { } teams)
                {
                    Where("EXISTS(SELECT VALUE t FROM t IN c.careTeams WHERE ARRAY_CONTAINS(@teams, t))", "@teams", teams.ToArray());
                }

                sql.Append(" ORDER BY c.patientId OFFSET 0 LIMIT @limit");
                parameters.Add(("@limit", query.Limit ?? 1000));
                break;
            default:
                parameters.Add(("@type", DirectoryDocuments.DeviceType));
                var filter = query.Filter ?? new();
                if (query.AfterDeviceId is { } after)
                {
                    Where("c.deviceId > @after", "@after", after);
                }

                if (!filter.IncludeDeleted)
                {
                    sql.Append(" AND c.deleted = false");
                }

                if (filter.Manufacturer is { } manufacturer)
                {
                    Where("c.manufacturer = @manufacturer", "@manufacturer", manufacturer);
                }

                if (filter.Model is { } model)
                {
                    Where("c.model = @model", "@model", model);
                }

                if (filter.Status is { } status)
                {
                    Where("c.status = @status", "@status", DirectoryDocuments.StatusName(status));
                }

                if (filter.Kind is { } kind)
                {
                    Where("ARRAY_CONTAINS(c.kinds, @kind)", "@kind", kind);
                }

                if (filter.PatientId is { } patient)
                {
                    Where("c.patientId = @patient", "@patient", patient);
                }

                sql.Append(" ORDER BY c.deviceId");
                if (query.Limit is { } limit)
                {
                    sql.Append(" OFFSET 0 LIMIT @limit");
                    parameters.Add(("@limit", limit));
                }

                break;
        }

        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        return definition;
    }

    private static CosmosException Failure(TransactionalBatchResponse result) =>
        new($"Directory batch failed: {result.ErrorMessage}", result.StatusCode, 0, result.ActivityId, result.RequestCharge);
}
