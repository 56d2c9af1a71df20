using IoMT.Core.Devices;
using IoMT.Core.Patients;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Directory;

/// <summary>
/// Devices, their history and enrollment groups in the Cosmos DB directory container (docs/storage.md): a device is one
/// item with its history beside it in the same logical partition, changed together in a transactional batch and only
/// if nobody changed the device meanwhile (ETag). Lists run one query across partitions in device-id order.
/// </summary>
public sealed class CosmosDeviceRegistry : IDeviceRegistry
{
    private const int Parallelism = 16;
    private readonly IDirectoryContainer _container;

    public CosmosDeviceRegistry(Container container)
        : this(new CosmosDirectoryContainer(container))
    {
    }

    internal CosmosDeviceRegistry(IDirectoryContainer container)
    {
        _container = container;
    }

    public async Task<DeviceRecord?> FindAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var partition = DirectoryDocuments.DevicePartition(deviceId);
        var stored = await _container.ReadAsync(partition, partition, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : DirectoryDocuments.ToDevice(stored.Json);
    }

    public async Task<IReadOnlyList<DeviceRecord>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        var found = new System.Collections.Concurrent.ConcurrentBag<DeviceRecord>();
        await Parallel.ForEachAsync(deviceIds.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                if (await FindAsync(id, ct).ConfigureAwait(false) is { } device)
                {
                    found.Add(device);
                }
            }).ConfigureAwait(false);
        return [.. found];
    }

    public async Task<DevicePage> ListAsync(DeviceFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var after = filter.ContinuationToken is { } token ? DevicePageToken.Parse(token) : null;
        var items = new List<DeviceRecord>();
        await foreach (var document in _container.QueryAsync(new DirectoryQuery(DirectoryQueryKind.Devices, filter, after, filter.PageSize + 1), cancellationToken).ConfigureAwait(false))
        {
            items.Add(DirectoryDocuments.ToDevice(document));
        }

        var more = items.Count > filter.PageSize;
        if (more)
        {
            items.RemoveAt(items.Count - 1);
        }

        return new DevicePage(items, more ? DevicePageToken.After(items[^1].Id) : null);
    }

    public async Task<IReadOnlyList<bool>> CreateAsync(IReadOnlyList<DeviceRecord> devices, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var created = new bool[devices.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, devices.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var device = devices[i];
                created[i] = await _container.CreateAsync(DirectoryDocuments.DevicePartition(device.Id),
                    [DirectoryDocuments.Device(device), DirectoryDocuments.Change(device.Id, new DeviceChange(device.CreatedAt, actor, "created"))], ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return created;
    }

    public async Task<bool> UpdateAsync(DeviceRecord device, DeviceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var partition = DirectoryDocuments.DevicePartition(device.Id);
        var stored = await _container.ReadAsync(partition, partition, cancellationToken).ConfigureAwait(false);
        if (stored is null || (long)stored.Json["version"]! != device.Version - 1)
        {
            return false;
        }

        var document = DirectoryDocuments.Device(device);
        if (stored.Json["lastSeen"] is { } lastSeen)
        {
            document["lastSeen"] = lastSeen.DeepClone();
        }

        return await _container.ReplaceAsync(partition, document, stored.ETag, [DirectoryDocuments.Change(device.Id, change)], cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeviceChange>> HistoryAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        var history = new List<DeviceChange>();
        await foreach (var document in _container.QueryAsync(new DirectoryQuery(DirectoryQueryKind.DeviceHistory, DeviceId: deviceId), cancellationToken).ConfigureAwait(false))
        {
            history.Add(DirectoryDocuments.ToChange(document));
        }

        return history;
    }

    public async Task RecordAsync(IReadOnlyCollection<string> deviceIds, DeviceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        await Parallel.ForEachAsync(deviceIds, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            (id, ct) => new ValueTask(_container.UpsertAsync(DirectoryDocuments.DevicePartition(id), DirectoryDocuments.Change(id, change), ct))).ConfigureAwait(false);
    }

    public async Task MarkSeenAsync(IReadOnlyDictionary<string, DateTimeOffset> lastSeen, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastSeen);
        await Parallel.ForEachAsync(lastSeen, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            (seen, ct) =>
            {
                var partition = DirectoryDocuments.DevicePartition(seen.Key);
                return new ValueTask(_container.MarkSeenAsync(partition, partition, seen.Value.UtcTicks, ct));
            }).ConfigureAwait(false);
    }

    public async Task<EnrollmentGroup?> FindGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var partition = DirectoryDocuments.GroupPartition(groupId);
        var stored = await _container.ReadAsync(partition, partition, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : DirectoryDocuments.ToGroup(stored.Json);
    }

    public async Task<IReadOnlyList<EnrollmentGroup>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        var groups = new List<EnrollmentGroup>();
        await foreach (var document in _container.QueryAsync(new DirectoryQuery(DirectoryQueryKind.EnrollmentGroups), cancellationToken).ConfigureAwait(false))
        {
            groups.Add(DirectoryDocuments.ToGroup(document));
        }

        return groups;
    }

    public Task<bool> CreateGroupAsync(EnrollmentGroup group, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return _container.CreateAsync(DirectoryDocuments.GroupPartition(group.Id), [DirectoryDocuments.Group(group)], cancellationToken);
    }
}

/// <summary>Patients and their care teams in the Cosmos DB directory container, one item each.</summary>
public sealed class CosmosPatientDirectory : IPatientDirectory
{
    private readonly IDirectoryContainer _container;

    public CosmosPatientDirectory(Container container)
        : this(new CosmosDirectoryContainer(container))
    {
    }

    internal CosmosPatientDirectory(IDirectoryContainer container)
    {
        _container = container;
    }

    public async Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default)
    {
        var partition = DirectoryDocuments.PatientPartition(patientId);
        var stored = await _container.ReadAsync(partition, partition, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : DirectoryDocuments.ToPatient(stored.Json);
    }

    public async Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default)
    {
        var patients = new List<PatientRecord>();
        await foreach (var document in _container.QueryAsync(new DirectoryQuery(DirectoryQueryKind.Patients, Limit: limit, CareTeams: careTeams), cancellationToken)
            .ConfigureAwait(false))
        {
            patients.Add(DirectoryDocuments.ToPatient(document));
        }

        return patients;
    }

    public Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return _container.UpsertAsync(DirectoryDocuments.PatientPartition(patient.Id), DirectoryDocuments.Patient(patient), cancellationToken);
    }
}
