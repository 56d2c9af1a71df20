using System.Collections.Concurrent;

namespace IoMT.Core.Mapping;

/// <summary>
/// The active mappings as ingestion sees them: which mapping applies to a device of a given manufacturer and model (its
/// model's, else the organization's, else none). Re-reads the active versions at most every <see cref="RefreshInterval"/>,
/// so an activation reaches ingestion within that time without a restart; compiles each version once.
/// </summary>
public sealed class MappingCatalog(IMappingStore store, TimeProvider time)
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Scope, int Version), DeviceMapping?> _compiled = new();
    private volatile Snapshot? _snapshot;

    /// <summary>The mapping for devices of <paramref name="manufacturer"/> and <paramref name="model"/>, or null when they send contract v1 only.</summary>
    public async ValueTask<DeviceMapping?> FindAsync(string manufacturer, string model, CancellationToken cancellationToken = default)
    {
        var active = await ActiveAsync(cancellationToken).ConfigureAwait(false);
        if (active.Count == 0)
        {
            return null;
        }

        return active.GetValueOrDefault(new MappingScope(manufacturer, model).Key) ?? active.GetValueOrDefault(MappingScope.Organization.Key);
    }

    /// <summary>Two batches may refresh at once; both read the same store, so the race costs a read, never correctness.</summary>
    private async ValueTask<Dictionary<string, DeviceMapping>> ActiveAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } current && time.GetUtcNow() - current.ReadAt < RefreshInterval)
        {
            return current.Active;
        }

        var readAt = time.GetUtcNow();
        var active = new Dictionary<string, DeviceMapping>(StringComparer.Ordinal);
        foreach (var entry in await store.ListActiveAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await CompileAsync(entry, cancellationToken).ConfigureAwait(false) is { } mapping)
            {
                active[entry.Scope.Key] = mapping;
            }
        }

        _snapshot = new Snapshot(active, readAt);
        return active;
    }

    /// <summary>
    /// Versions are validated before they are stored, so one that fails to load here is a defect; it is treated as no
    /// mapping (the devices' messages are then judged as contract v1 and quarantined, never dropped).
    /// </summary>
    private async ValueTask<DeviceMapping?> CompileAsync(ActiveMapping entry, CancellationToken cancellationToken)
    {
        var key = (entry.Scope.Key, entry.Version);
        if (_compiled.TryGetValue(key, out var mapping))
        {
            return mapping;
        }

        var version = await store.FindAsync(entry.Scope, entry.Version, cancellationToken).ConfigureAwait(false);
        mapping = version is null ? null : DeviceMapping.Load(version.Document).Mapping;
        _compiled[key] = mapping;
        return mapping;
    }

    private sealed record Snapshot(Dictionary<string, DeviceMapping> Active, DateTimeOffset ReadAt);
}
