using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using IoMT.Storage.Cosmos.Directory;

namespace IoMT.Storage.Cosmos.Tests.Directory;

/// <summary>
/// The directory container in memory with the semantics of <see cref="CosmosDirectoryContainer"/>: documents stored as
/// JSON text, ETags that change on every write, all-or-nothing batches per partition, the queries of <c>ToSql</c>.
/// </summary>
internal sealed class InMemoryDirectoryContainer : IDirectoryContainer
{
    private readonly Dictionary<(string Partition, string Id), (string Json, string ETag)> _items = [];
    private readonly Lock _lock = new();

    public Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_items.TryGetValue((partitionKey, id), out var item) ? new StoredDocument(Parse(item.Json), item.ETag) : null);
        }
    }

    public Task<IReadOnlyList<JsonObject>> ReadManyAsync(IReadOnlyList<(string PartitionKey, string Id)> items, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<JsonObject>>([.. items.Distinct().Where(_items.ContainsKey).Select(key => Parse(_items[key].Json))]);
        }
    }

    public Task<bool> CreateAsync(string partitionKey, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (documents.Any(d => _items.ContainsKey((partitionKey, (string)d["id"]!))))
            {
                return Task.FromResult(false);
            }

            foreach (var document in documents)
            {
                Write(partitionKey, document);
            }

            return Task.FromResult(true);
        }
    }

    public Task<bool> ReplaceAsync(string partitionKey, JsonObject document, string etag, IReadOnlyList<JsonObject> alsoCreate, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue((partitionKey, (string)document["id"]!), out var current) || current.ETag != etag)
            {
                return Task.FromResult(false);
            }

            Write(partitionKey, document);
            foreach (var extra in alsoCreate)
            {
                Write(partitionKey, extra);
            }

            return Task.FromResult(true);
        }
    }

    public Task UpsertAsync(string partitionKey, JsonObject document, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Write(partitionKey, document);
        }

        return Task.CompletedTask;
    }

    public Task MarkSeenAsync(string partitionKey, string id, long ticks, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_items.TryGetValue((partitionKey, id), out var item) && Parse(item.Json) is var document && (document["lastSeen"] is null || (long)document["lastSeen"]! < ticks))
            {
                document["lastSeen"] = ticks;
                Write(partitionKey, document);
            }
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<JsonObject> QueryAsync(DirectoryQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<JsonObject> all;
        lock (_lock)
        {
            all = [.. _items.Values.Select(i => Parse(i.Json))];
        }

        IEnumerable<JsonObject> matching = query.Kind switch
        {
            DirectoryQueryKind.DeviceHistory => all.Where(d => Is(d, DirectoryDocuments.ChangeType) && (string?)d["deviceId"] == query.DeviceId).OrderBy(d => (string)d["id"]!, StringComparer.Ordinal),
            DirectoryQueryKind.EnrollmentGroups => all.Where(d => Is(d, DirectoryDocuments.GroupType)).OrderBy(d => (string)d["groupId"]!, StringComparer.Ordinal),
            DirectoryQueryKind.Patients => all.Where(d => Is(d, DirectoryDocuments.PatientType)
                    && (query.CareTeams is null || d["careTeams"]!.AsArray().Any(t => query.CareTeams.Contains((string)t!))))
                .OrderBy(d => (string)d["patientId"]!, StringComparer.Ordinal).Take(query.Limit ?? 1000),
            _ => Devices(all, query),
        };
        foreach (var document in matching.ToList())
        {
            await Task.Yield();
            yield return document;
        }
    }

    private static IEnumerable<JsonObject> Devices(IEnumerable<JsonObject> all, DirectoryQuery query)
    {
        var filter = query.Filter ?? new();
        var devices = all.Where(d => Is(d, DirectoryDocuments.DeviceType)
                && (query.AfterDeviceId is null || string.CompareOrdinal((string)d["deviceId"]!, query.AfterDeviceId) > 0)
                && (filter.IncludeDeleted || !(bool)d["deleted"]!)
                && (filter.Manufacturer is null || (string?)d["manufacturer"] == filter.Manufacturer)
                && (filter.Model is null || (string?)d["model"] == filter.Model)
                && (filter.Status is null || (string?)d["status"] == DirectoryDocuments.StatusName(filter.Status.Value))
                && (filter.Kind is null || d["kinds"]!.AsArray().Any(k => (string?)k == filter.Kind))
                && (filter.PatientId is null || (string?)d["patientId"] == filter.PatientId))
            .OrderBy(d => (string)d["deviceId"]!, StringComparer.Ordinal);
        return query.Limit is { } limit ? devices.Take(limit) : devices;
    }

    private static bool Is(JsonObject document, string type) => (string?)document["type"] == type;

    private void Write(string partitionKey, JsonObject document) =>
        _items[(partitionKey, (string)document["id"]!)] = (document.ToJsonString(), Guid.NewGuid().ToString("N"));

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;
}
