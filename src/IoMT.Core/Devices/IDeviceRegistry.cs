namespace IoMT.Core.Devices;

/// <summary>Which devices to list: every filter is optional; pages are ordered by device id.</summary>
public sealed record DeviceFilter(
    string? Manufacturer = null,
    string? Model = null,
    DeviceStatus? Status = null,
    string? Kind = null,
    string? PatientId = null,
    bool IncludeDeleted = false,
    int PageSize = 100,
    string? ContinuationToken = null)
{
    public const int MaxPageSize = 1000;
}

public sealed record DevicePage(IReadOnlyList<DeviceRecord> Items, string? ContinuationToken);

/// <summary>
/// Where devices and enrollment groups are kept (SQLite locally; IoT Hub and Cosmos DB in Azure). Storage only: the
/// rules live in <see cref="DeviceService"/>. Every change carries a <see cref="DeviceChange"/> for the history.
/// </summary>
public interface IDeviceRegistry
{
    Task<DeviceRecord?> FindAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>The devices among <paramref name="deviceIds"/> that exist (deleted ones included), in no particular order.</summary>
    Task<IReadOnlyList<DeviceRecord>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken = default);

    Task<DevicePage> ListAsync(DeviceFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Creates, in one go, the devices whose id does not exist yet; returns for each whether it was created.</summary>
    Task<IReadOnlyList<bool>> CreateAsync(IReadOnlyList<DeviceRecord> devices, string actor, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="device"/> if the stored version is <c>device.Version − 1</c>; false when it changed meanwhile.</summary>
    Task<bool> UpdateAsync(DeviceRecord device, DeviceChange change, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DeviceChange>> HistoryAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Adds a history entry to each device without changing it (e.g. its credentials were exported).</summary>
    Task RecordAsync(IReadOnlyCollection<string> deviceIds, DeviceChange change, CancellationToken cancellationToken = default);

    /// <summary>Records when devices were last heard from (only ever moves forward; a store may keep it to within a few seconds).</summary>
    Task MarkSeenAsync(IReadOnlyDictionary<string, DateTimeOffset> lastSeen, CancellationToken cancellationToken = default);

    Task<EnrollmentGroup?> FindGroupAsync(string groupId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<EnrollmentGroup>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>False when a group with this id exists.</summary>
    Task<bool> CreateGroupAsync(EnrollmentGroup group, string actor, CancellationToken cancellationToken = default);
}

/// <summary>Device pages resume after the last id returned: <c>v1|{id}</c>, base64url. Registries share this format.</summary>
public static class DevicePageToken
{
    public static string After(string deviceId) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("v1|" + deviceId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The id to resume after; <see cref="ArgumentException"/> for a token this API did not issue.</summary>
    public static string Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            return text.StartsWith("v1|", StringComparison.Ordinal) && text.Length > 3 ? text[3..] : throw new ArgumentException("Not a device page token.", nameof(token));
        }
        catch (FormatException e)
        {
            throw new ArgumentException("Not a device page token.", nameof(token), e);
        }
    }
}
