using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Testing;

/// <summary>Twins in memory, with the stores' optimistic concurrency (copies in and out, as a database keeps them).</summary>
public sealed class InMemoryDeviceTwinStore : IDeviceTwinStore
{
    private readonly ConcurrentDictionary<string, DeviceTwin> _twins = new(StringComparer.Ordinal);

    public Task<DeviceTwin?> FindAsync(string deviceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_twins.TryGetValue(deviceId, out var twin) ? Copy(twin) : null);

    public Task<bool> SaveAsync(DeviceTwin twin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var copy = Copy(twin);
        var saved = twin.Version == 1
            ? _twins.TryAdd(twin.DeviceId, copy)
            : _twins.TryGetValue(twin.DeviceId, out var stored) && stored.Version == twin.Version - 1 && _twins.TryUpdate(twin.DeviceId, copy, stored);
        return Task.FromResult(saved);
    }

    private static DeviceTwin Copy(DeviceTwin twin) =>
        twin with { Desired = (JsonObject)twin.Desired.DeepClone(), Reported = (JsonObject)twin.Reported.DeepClone() };
}
