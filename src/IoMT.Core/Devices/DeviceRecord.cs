namespace IoMT.Core.Devices;

/// <summary>How a device proves who it is: a pair of symmetric keys (SAS tokens), or X.509 certificate thumbprints.</summary>
public enum DeviceAuthenticationType
{
    SymmetricKey,
    X509,
}

/// <summary>
/// A device's secrets or certificate thumbprints. Two of each, so one can be rotated while devices still use the other.
/// Keys are base64 (IoT Hub's format); thumbprints are SHA-1 or SHA-256 hex.
/// </summary>
public sealed record DeviceCredentials(
    DeviceAuthenticationType Type, string? PrimaryKey = null, string? SecondaryKey = null, string? PrimaryThumbprint = null, string? SecondaryThumbprint = null)
{
    public static DeviceCredentials NewKeys() => new(DeviceAuthenticationType.SymmetricKey, DpsKeys.NewKey(), DpsKeys.NewKey());

    public IEnumerable<string?> SigningKeys => [PrimaryKey, SecondaryKey];
}

/// <summary>What happened to a device, by whom: the device's history, kept after deletion.</summary>
public sealed record DeviceChange(DateTimeOffset At, string Actor, string Action, string? Detail = null);

/// <summary>
/// A device in the registry: identity, what it is, what it measures, its credentials, status and patient bindings
/// (every period, current and past). <see cref="Version"/> increases with every change (optimistic concurrency).
/// A deleted device keeps its record and history; it can no longer authenticate.
/// </summary>
public sealed record DeviceRecord
{
    public required string Id { get; init; }

    public required string Manufacturer { get; init; }

    public required string Model { get; init; }

    /// <summary>Contract names of the reading kinds it sends, e.g. <c>spo2</c>, <c>heartRate</c>.</summary>
    public required IReadOnlyList<string> Kinds { get; init; }

    public string? SerialNumber { get; init; }

    public string? Firmware { get; init; }

    public DeviceStatus Status { get; init; } = DeviceStatus.Enabled;

    /// <summary>How often it sends while it works (watched for silence while bound to a patient); null when not watched.</summary>
    public TimeSpan? ReportingInterval { get; init; }

    public required DeviceCredentials Credentials { get; init; }

    /// <summary>The DPS enrollment group it registered through, if any (its key is then derived from the group's).</summary>
    public string? EnrollmentGroupId { get; init; }

    public IReadOnlyList<DeviceBinding> Bindings { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }

    public DateTimeOffset? DeletedAt { get; init; }

    public long Version { get; init; } = 1;

    public bool IsDeleted => DeletedAt is not null;

    /// <summary>The patient bound now (the open binding), if any.</summary>
    public string? CurrentPatientId => Bindings.LastOrDefault(b => b.To is null)?.PatientId;
}

/// <summary>
/// A DPS enrollment group: devices of one manufacturer and model that register themselves with keys derived from the
/// group's key (<see cref="DpsKeys.DeriveDeviceKey"/>), so a factory flashes unique keys without calling the cloud.
/// </summary>
public sealed record EnrollmentGroup
{
    public required string Id { get; init; }

    public required string Manufacturer { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<string> Kinds { get; init; }

    public required string PrimaryKey { get; init; }

    public required string SecondaryKey { get; init; }

    public DeviceStatus Status { get; init; } = DeviceStatus.Enabled;

    /// <summary>How often its devices send: the <see cref="DeviceRecord.ReportingInterval"/> of each device registered through it.</summary>
    public TimeSpan? ReportingInterval { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
