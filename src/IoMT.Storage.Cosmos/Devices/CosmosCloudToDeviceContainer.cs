using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Devices;

/// <summary>
/// The container of what the app sends to devices through IoT Hub, partitioned by <c>/pk</c>: the record of each
/// cloud-to-device message (<c>device:{id}</c>, one partition per device) and the <c>device</c> channel's deliveries
/// (<c>delivery:{id}</c>). Documents expire by their own <c>ttl</c> once nothing can change them any more.
/// </summary>
public static class CosmosCloudToDeviceContainer
{
    /// <summary>How long a settled delivery, or a message past its expiry, is kept for its record (as the local host keeps them).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The container: time to live on without a default; indexed only what the two list queries filter and sort by.</summary>
    public static ContainerProperties Definition(string name)
    {
        var properties = new ContainerProperties(name, "/pk") { DefaultTimeToLive = -1 };
        properties.IndexingPolicy.IncludedPaths.Clear();
        foreach (var path in IndexedPaths)
        {
            properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }

    public static ReadOnlyCollection<string> IndexedPaths { get; } = new(["/pk/?", "/type/?", "/enqueuedAt/?", "/pending/?", "/queuedAt/?"]);
}
