using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Storage.Cosmos.Directory;

/// <summary>A document as stored, with the ETag that makes a later replace conditional on it.</summary>
internal sealed record StoredDocument(JsonObject Json, string ETag);

internal enum DirectoryQueryKind
{
    Devices,
    DeviceHistory,
    EnrollmentGroups,
    Patients,
}

/// <summary>The directory queries: devices by filter in id order after a position, one device's history, the enrollment groups.</summary>
internal sealed record DirectoryQuery(
    DirectoryQueryKind Kind, DeviceFilter? Filter = null, string? AfterDeviceId = null, int? Limit = null, string? DeviceId = null, IReadOnlyCollection<string>? CareTeams = null);

/// <summary>
/// The few operations of the directory container (devices, their history, enrollment groups, patients) that the
/// registry needs: Cosmos DB in production (<see cref="CosmosDirectoryContainer"/>); an in-memory twin with the same
/// semantics lets the registry pass the device registry contract on machines without Cosmos DB.
/// </summary>
internal interface IDirectoryContainer
{
    Task<StoredDocument?> ReadAsync(string partitionKey, string id, CancellationToken cancellationToken);

    /// <summary>Those of the documents (partition key, id) that exist, in one round trip, in no particular order.</summary>
    Task<IReadOnlyList<JsonObject>> ReadManyAsync(IReadOnlyList<(string PartitionKey, string Id)> items, CancellationToken cancellationToken);

    /// <summary>Creates the documents of one partition all together; false (and nothing written) when the first exists already.</summary>
    Task<bool> CreateAsync(string partitionKey, IReadOnlyList<JsonObject> documents, CancellationToken cancellationToken);

    /// <summary>Replaces a document if its ETag is still <paramref name="etag"/>, and creates <paramref name="alsoCreate"/>, all together; false when it changed.</summary>
    Task<bool> ReplaceAsync(string partitionKey, JsonObject document, string etag, IReadOnlyList<JsonObject> alsoCreate, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a document unconditionally.</summary>
    Task UpsertAsync(string partitionKey, JsonObject document, CancellationToken cancellationToken);

    /// <summary>Sets a device's <c>lastSeen</c> (UTC ticks) unless it is already later.</summary>
    Task MarkSeenAsync(string partitionKey, string id, long ticks, CancellationToken cancellationToken);

    IAsyncEnumerable<JsonObject> QueryAsync(DirectoryQuery query, CancellationToken cancellationToken);
}
