using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Devices;

/// <summary>
/// The record of the cloud-to-device messages the app sent through IoT Hub (<see cref="CosmosCloudToDeviceContainer"/>):
/// one document per message, id = the message id, in its device's partition; a message is added once (create, never
/// overwrite), its outcome replaces it. Kept until <see cref="CosmosCloudToDeviceContainer.Retention"/> after it expires.
/// </summary>
public sealed class CosmosCloudToDeviceLog(Container container, TimeProvider time) : ICloudToDeviceLog
{
    private const string MessageType = "message";

    public async Task<bool> AddAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var content = CosmosStreams.Json(Document(message));
        using var response = await container.CreateItemStreamAsync(content, new PartitionKey(Partition(message.DeviceId)), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task SaveAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var content = CosmosStreams.Json(Document(message));
        using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(Partition(message.DeviceId)), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, CancellationToken cancellationToken = default) =>
        CosmosStreams.ReadAsync(container, messageId, Partition(deviceId), Read, cancellationToken);

    public async Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, CancellationToken cancellationToken = default)
    {
        var messages = new List<CloudToDeviceMessage>();
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(Partition(deviceId)), MaxItemCount = max };
        await foreach (var message in CosmosStreams.QueryAsync(container, ListQuery(max), options, Read, cancellationToken).ConfigureAwait(false))
        {
            messages.Add(message);
        }

        return messages;
    }

    /// <summary>A device's newest messages, every value a parameter.</summary>
    public static QueryDefinition ListQuery(int max) =>
        new QueryDefinition("SELECT * FROM c WHERE c.type = @type ORDER BY c.enqueuedAt DESC OFFSET 0 LIMIT @max")
            .WithParameter("@type", MessageType)
            .WithParameter("@max", max);

    internal JsonObject Document(CloudToDeviceMessage message) => new()
    {
        ["id"] = message.MessageId,
        ["pk"] = Partition(message.DeviceId),
        ["type"] = MessageType,
        ["enqueuedAt"] = message.EnqueuedAt.UtcTicks,
        ["message"] = JsonSerializer.SerializeToNode(message, CosmosCloudToDeviceContainer.Json),
        ["ttl"] = (long)Math.Max(1, Math.Ceiling((message.ExpiresAt + CosmosCloudToDeviceContainer.Retention - time.GetUtcNow()).TotalSeconds)),
    };

    private static CloudToDeviceMessage Read(JsonElement document) =>
        document.GetProperty("message").Deserialize<CloudToDeviceMessage>(CosmosCloudToDeviceContainer.Json)!;

    private static string Partition(string deviceId) => "device:" + deviceId;
}
