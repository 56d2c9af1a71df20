using IoMT.Core.Devices;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;
using HubDevice = Microsoft.Azure.Devices.Device;
using HubStatus = Microsoft.Azure.Devices.DeviceStatus;

namespace IoMT.Functions.Devices;

/// <summary>
/// The device registry in Azure: the directory (Cosmos DB) is the record of every device, its bindings and history;
/// IoT Hub holds the identities devices authenticate with, and DPS the enrollment groups. Each change reaches both,
/// ordered so that a failure part-way leaves nothing a device could misuse and a retry of the same request repairs it.
/// </summary>
public sealed class AzureDeviceRegistry(IDeviceRegistry directory, RegistryManager hub, DpsEnrollmentGroups dps) : IDeviceRegistry
{
    /// <summary>IoT Hub's limit for one bulk registry operation.</summary>
    public const int HubBatchSize = 100;

    public Task<DeviceRecord?> FindAsync(string deviceId, CancellationToken cancellationToken = default) =>
        directory.FindAsync(deviceId, cancellationToken);

    public Task<IReadOnlyList<DeviceRecord>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default) =>
        directory.FindManyAsync(deviceIds, cancellationToken);

    public Task<DevicePage> ListAsync(DeviceFilter filter, CancellationToken cancellationToken = default) => directory.ListAsync(filter, cancellationToken);

    public Task<IReadOnlyList<DeviceChange>> HistoryAsync(string deviceId, CancellationToken cancellationToken = default) =>
        directory.HistoryAsync(deviceId, cancellationToken);

    public Task RecordAsync(IReadOnlyCollection<string> deviceIds, DeviceChange change, CancellationToken cancellationToken = default) =>
        directory.RecordAsync(deviceIds, change, cancellationToken);

    public Task MarkSeenAsync(IReadOnlyDictionary<string, DateTimeOffset> lastSeen, CancellationToken cancellationToken = default) =>
        directory.MarkSeenAsync(lastSeen, cancellationToken);

    public Task<EnrollmentGroup?> FindGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        directory.FindGroupAsync(groupId, cancellationToken);

    public Task<IReadOnlyList<EnrollmentGroup>> ListGroupsAsync(CancellationToken cancellationToken = default) => directory.ListGroupsAsync(cancellationToken);

    /// <summary>
    /// Directory first (it decides which ids are new), then an IoT Hub identity for every requested device the directory
    /// holds alive: a retried import whose first attempt stopped between the two creates the identities it missed.
    /// Identities that already exist keep their keys unless the directory has just created the device.
    /// </summary>
    public async Task<IReadOnlyList<bool>> CreateAsync(IReadOnlyList<DeviceRecord> devices, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var created = await directory.CreateAsync(devices, actor, cancellationToken).ConfigureAwait(false);
        var createdNow = devices.Where((_, i) => created[i]).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var stored = await directory.FindManyAsync(devices.Select(d => d.Id).ToList(), cancellationToken).ConfigureAwait(false);
        foreach (var chunk in stored.Where(d => !d.IsDeleted).Chunk(HubBatchSize))
        {
            var result = await hub.AddDevices2Async(chunk.Select(ToHub), cancellationToken).ConfigureAwait(false);
            var replace = (result.Errors ?? []).Where(e => e.ErrorCode == ErrorCode.DeviceAlreadyExists && createdNow.Contains(e.DeviceId)).Select(e => e.DeviceId).ToHashSet();
            var failed = (result.Errors ?? []).Where(e => e.ErrorCode != ErrorCode.DeviceAlreadyExists).ToList();
            if (failed.Count > 0)
            {
                throw Refused("device identities", failed);
            }

            if (replace.Count > 0)
            {
                await EnsureAsync(hub.UpdateDevices2Async(chunk.Where(d => replace.Contains(d.Id)).Select(ToHub), true, cancellationToken)).ConfigureAwait(false);
            }
        }

        return created;
    }

    /// <summary>
    /// IoT Hub first, so a disabled, deleted or re-keyed device is refused by the hub before the directory says so; when
    /// the directory then refuses the change (someone changed the device meanwhile), the hub is put back in step with it.
    /// </summary>
    public async Task<bool> UpdateAsync(DeviceRecord device, DeviceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        var before = await directory.FindAsync(device.Id, cancellationToken).ConfigureAwait(false);
        var identityChanges = before is null || before.Status != device.Status || before.Credentials != device.Credentials || before.IsDeleted != device.IsDeleted;
        if (!identityChanges)
        {
            return await directory.UpdateAsync(device, change, cancellationToken).ConfigureAwait(false);
        }

        await MirrorAsync(device, cancellationToken).ConfigureAwait(false);
        if (await directory.UpdateAsync(device, change, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        if (await directory.FindAsync(device.Id, cancellationToken).ConfigureAwait(false) is { } current)
        {
            await MirrorAsync(current, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>DPS first with the same repair as devices; a group that already exists is never touched.</summary>
    public async Task<bool> CreateGroupAsync(EnrollmentGroup group, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (await directory.FindGroupAsync(group.Id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await dps.PutAsync(group, cancellationToken).ConfigureAwait(false);
        if (await directory.CreateGroupAsync(group, actor, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        if (await directory.FindGroupAsync(group.Id, cancellationToken).ConfigureAwait(false) is { } winner)
        {
            await dps.PutAsync(winner, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private async Task MirrorAsync(DeviceRecord device, CancellationToken cancellationToken)
    {
        try
        {
            if (device.IsDeleted)
            {
                await hub.RemoveDeviceAsync(device.Id, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await hub.UpdateDeviceAsync(ToHub(device), true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (DeviceNotFoundException) when (device.IsDeleted)
        {
        }
        catch (DeviceNotFoundException)
        {
            await hub.AddDeviceAsync(ToHub(device), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureAsync(Task<BulkRegistryOperationResult> operation)
    {
        var result = await operation.ConfigureAwait(false);
        if (result.Errors is { Length: > 0 } errors)
        {
            throw Refused("device updates", errors);
        }
    }

    private static IotHubException Refused(string what, IReadOnlyList<DeviceRegistryOperationError> errors) =>
        new($"IoT Hub refused {errors.Count} {what}, e.g. '{errors[0].DeviceId}': {errors[0].ErrorCode} {errors[0].ErrorStatus}");

    /// <summary>The hub's view of a device: its id, status and credentials (nothing clinical).</summary>
    public static HubDevice ToHub(DeviceRecord device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var credentials = device.Credentials;
        return new HubDevice(device.Id)
        {
            Status = device.Status == Core.Devices.DeviceStatus.Enabled ? HubStatus.Enabled : HubStatus.Disabled,
            Authentication = credentials.Type == DeviceAuthenticationType.X509
                ? new AuthenticationMechanism
                {
                    X509Thumbprint = new X509Thumbprint { PrimaryThumbprint = credentials.PrimaryThumbprint, SecondaryThumbprint = credentials.SecondaryThumbprint },
                }
                : new AuthenticationMechanism
                {
                    SymmetricKey = new SymmetricKey { PrimaryKey = credentials.PrimaryKey, SecondaryKey = credentials.SecondaryKey },
                },
        };
    }
}
