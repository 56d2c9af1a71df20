using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Ingestion;

/// <summary>
/// What ingestion keeps between batches, in a Cosmos DB container partitioned by <c>/pk</c>: each patient's monitoring
/// state (<c>patient:{id}</c>, one document) and each message id seen per device (<c>device:{id}</c>, expiring after
/// <paramref name="seenFor"/>, longer than Event Hubs keeps events, so a redelivery is still recognized). All reads are
/// point reads; a message's first sighting is never overwritten.
/// </summary>
public sealed class CosmosIngestionStateStore(Container container, TimeSpan seenFor) : IIngestionStateStore
{
    private const string StateId = "state";

    /// <summary>The container: time to live on without a default (only sightings expire); nothing is queried, so nothing is indexed.</summary>
    public static ContainerProperties Definition(string name)
    {
        var properties = new ContainerProperties(name, "/pk") { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.IndexingMode = IndexingMode.None;
        properties.IndexingPolicy.Automatic = false;
        return properties;
    }

    public async Task<IReadOnlyList<PatientState>> LoadStatesAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patientIds);
        var items = patientIds.Distinct(StringComparer.Ordinal).Select(id => (StateId, new PartitionKey(PatientPartition(id)))).ToList();
        return [.. (await ReadManyAsync(items, cancellationToken).ConfigureAwait(false)).Select(d => PatientStateJson.Deserialize(d["state"]!.ToJsonString()))];
    }

    public async Task<IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)>> LoadSeenAsync(
        IEnumerable<(string DeviceId, string MessageId)> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var items = keys.Distinct().Select(k => (SeenId(k.DeviceId, k.MessageId), new PartitionKey(DevicePartition(k.DeviceId)))).ToList();
        return [.. (await ReadManyAsync(items, cancellationToken).ConfigureAwait(false))
            .Select(d => ((string)d["deviceId"]!, (string)d["messageId"]!, (string)d["position"]!))];
    }

    public async Task SaveAsync(
        IReadOnlyList<PatientState> states, IReadOnlyList<(string DeviceId, string MessageId, string SourcePosition)> seen, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(seen);
        foreach (var state in states)
        {
            var document = new JsonObject
            {
                ["id"] = StateId,
                ["pk"] = PatientPartition(state.PatientId),
                ["state"] = JsonNode.Parse(PatientStateJson.Serialize(state)),
            };
            using var content = CosmosStreams.Json(document);
            using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(PatientPartition(state.PatientId)),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }

        foreach (var (deviceId, messageId, position) in seen)
        {
            var document = new JsonObject
            {
                ["id"] = SeenId(deviceId, messageId),
                ["pk"] = DevicePartition(deviceId),
                ["deviceId"] = deviceId,
                ["messageId"] = messageId,
                ["position"] = position,
                ["ttl"] = (long)seenFor.TotalSeconds,
            };

            // The first sighting stands: a conflict means it is stored already.
            using var content = CosmosStreams.Json(document);
            using var response = await container.CreateItemStreamAsync(content, new PartitionKey(DevicePartition(deviceId)),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                response.EnsureSuccessStatusCode();
            }
        }
    }

    private static string PatientPartition(string patientId) => "patient:" + patientId;

    private static string DevicePartition(string deviceId) => "device:" + deviceId;

    /// <summary>Message ids may hold characters Cosmos DB ids may not ('/', '#', '?'): the id is a digest of the pair.</summary>
    private static string SeenId(string deviceId, string messageId) => DeterministicId.Create("sn_", deviceId, messageId);

    private async Task<List<JsonObject>> ReadManyAsync(IReadOnlyList<(string Id, PartitionKey Partition)> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        using var response = await container.ReadManyItemsStreamAsync(items, cancellationToken: cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var page = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. page.RootElement.GetProperty("Documents").EnumerateArray().Select(d => JsonObject.Create(d.Clone())!)];
    }
}
