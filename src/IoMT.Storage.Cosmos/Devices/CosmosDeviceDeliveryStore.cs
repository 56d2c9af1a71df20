using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Notifications;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Devices;

/// <summary>
/// The <c>device</c> channel's deliveries (<see cref="CosmosCloudToDeviceContainer"/>): one document per delivery, in a
/// partition of its own, replaced as it changes. A delivery still queued never expires; a settled one is kept
/// <see cref="CosmosCloudToDeviceContainer.Retention"/> (a redelivered notification finds it and queues nothing again).
/// </summary>
public sealed class CosmosDeviceDeliveryStore(Container container) : IDeviceDeliveryStore
{
    private const string DeliveryType = "delivery";

    public async Task SaveAsync(PendingDeviceDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        using var content = CosmosStreams.Json(Document(delivery));
        using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(Partition(delivery.Id)), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public Task<PendingDeviceDelivery?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        CosmosStreams.ReadAsync(container, id, Partition(id), Read, cancellationToken);

    public async Task<IReadOnlyList<PendingDeviceDelivery>> ListPendingAsync(int max, CancellationToken cancellationToken = default)
    {
        var deliveries = new List<PendingDeviceDelivery>();
        await foreach (var delivery in CosmosStreams.QueryAsync(container, PendingQuery(max), new QueryRequestOptions { MaxItemCount = max }, Read, cancellationToken)
            .ConfigureAwait(false))
        {
            deliveries.Add(delivery);
        }

        return deliveries;
    }

    /// <summary>The deliveries still queued, oldest first, across partitions; every value a parameter.</summary>
    public static QueryDefinition PendingQuery(int max) =>
        new QueryDefinition("SELECT * FROM c WHERE c.type = @type AND c.pending = true ORDER BY c.queuedAt OFFSET 0 LIMIT @max")
            .WithParameter("@type", DeliveryType)
            .WithParameter("@max", max);

    internal static JsonObject Document(PendingDeviceDelivery delivery) => new()
    {
        ["id"] = delivery.Id,
        ["pk"] = Partition(delivery.Id),
        ["type"] = DeliveryType,
        ["pending"] = delivery.IsPending,
        ["queuedAt"] = delivery.Outcome.At.UtcTicks,
        ["delivery"] = JsonSerializer.SerializeToNode(delivery, CosmosCloudToDeviceContainer.Json),
        ["ttl"] = delivery.IsPending ? -1 : (long)CosmosCloudToDeviceContainer.Retention.TotalSeconds,
    };

    private static PendingDeviceDelivery Read(JsonElement document) =>
        document.GetProperty("delivery").Deserialize<PendingDeviceDelivery>(CosmosCloudToDeviceContainer.Json)!;

    private static string Partition(string id) => "delivery:" + id;
}
