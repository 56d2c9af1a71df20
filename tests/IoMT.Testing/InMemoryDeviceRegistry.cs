using IoMT.Core.Devices;

namespace IoMT.Testing;

/// <summary>The reference <see cref="IDeviceRegistry"/>, in memory, for tests of the rules that use it.</summary>
public sealed class InMemoryDeviceRegistry : IDeviceRegistry
{
    private readonly SortedDictionary<string, DeviceRecord> _devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DeviceChange>> _history = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnrollmentGroup> _groups = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task<DeviceRecord?> FindAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_devices.GetValueOrDefault(deviceId));
        }
    }

    public Task<IReadOnlyList<DeviceRecord>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<DeviceRecord>>([.. deviceIds.Distinct().Select(_devices.GetValueOrDefault).OfType<DeviceRecord>()]);
        }
    }

    public Task<DevicePage> ListAsync(DeviceFilter filter, CancellationToken cancellationToken = default)
    {
        var after = filter.ContinuationToken is null ? null : DevicePageToken.Parse(filter.ContinuationToken);
        lock (_lock)
        {
            var matching = _devices.Values
                .Where(d => after is null || string.CompareOrdinal(d.Id, after) > 0)
                .Where(d => filter.IncludeDeleted || !d.IsDeleted)
                .Where(d => filter.Manufacturer is null || d.Manufacturer == filter.Manufacturer)
                .Where(d => filter.Model is null || d.Model == filter.Model)
                .Where(d => filter.Status is null || d.Status == filter.Status)
                .Where(d => filter.Kind is null || d.Kinds.Contains(filter.Kind))
                .Where(d => filter.PatientId is null || d.CurrentPatientId == filter.PatientId)
                .Take(filter.PageSize + 1)
                .ToList();
            var more = matching.Count > filter.PageSize;
            var page = matching.Take(filter.PageSize).ToList();
            return Task.FromResult(new DevicePage(page, more ? DevicePageToken.After(page[^1].Id) : null));
        }
    }

    public Task<IReadOnlyList<bool>> CreateAsync(IReadOnlyList<DeviceRecord> devices, string actor, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<bool>>([.. devices.Select(device =>
            {
                if (!_devices.TryAdd(device.Id, device))
                {
                    return false;
                }

                _history[device.Id] = [new DeviceChange(device.CreatedAt, actor, "created")];
                return true;
            })]);
        }
    }

    public Task<bool> UpdateAsync(DeviceRecord device, DeviceChange change, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(device.Id, out var stored) || stored.Version != device.Version - 1)
            {
                return Task.FromResult(false);
            }

            _devices[device.Id] = device;
            _history[device.Id].Add(change);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<DeviceChange>> HistoryAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<DeviceChange>>([.. _history.GetValueOrDefault(deviceId) ?? []]);
        }
    }

    public Task RecordAsync(IReadOnlyCollection<string> deviceIds, DeviceChange change, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var id in deviceIds.Where(_history.ContainsKey))
            {
                _history[id].Add(change);
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkSeenAsync(IReadOnlyDictionary<string, DateTimeOffset> lastSeen, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var (id, at) in lastSeen)
            {
                if (_devices.TryGetValue(id, out var device) && (device.LastSeenAt is null || device.LastSeenAt < at))
                {
                    _devices[id] = device with { LastSeenAt = at };
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<EnrollmentGroup?> FindGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_groups.GetValueOrDefault(groupId));
        }
    }

    public Task<IReadOnlyList<EnrollmentGroup>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<EnrollmentGroup>>([.. _groups.Values.OrderBy(g => g.Id, StringComparer.Ordinal)]);
        }
    }

    public Task<bool> CreateGroupAsync(EnrollmentGroup group, string actor, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_groups.TryAdd(group.Id, group));
        }
    }
}
