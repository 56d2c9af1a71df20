namespace IoMT.Core.Devices;

public sealed record BindingView(string PatientId, DateTimeOffset From, DateTimeOffset? To);

/// <summary>
/// A device as the API shows it: never its keys (those come only from the credentials export). Bindings are shown to
/// admins and to clinicians for their own patients, never to device makers.
/// </summary>
public sealed record DeviceView(
    string Id,
    string Manufacturer,
    string Model,
    IReadOnlyList<string> Kinds,
    string? SerialNumber,
    string? Firmware,
    string Status,
    string Authentication,
    string? EnrollmentGroupId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastSeenAt,
    DateTimeOffset? DeletedAt,
    string? PatientId,
    IReadOnlyList<BindingView>? Bindings,
    int? ReportingIntervalSeconds = null)
{
    public static DeviceView Of(DeviceRecord device, Func<string, bool>? canSeePatient)
    {
        ArgumentNullException.ThrowIfNull(device);
        var visible = canSeePatient is null ? null : device.Bindings.Where(b => canSeePatient(b.PatientId)).Select(b => new BindingView(b.PatientId, b.From, b.To)).ToList();
        var current = device.CurrentPatientId is { } patient && canSeePatient?.Invoke(patient) == true ? patient : null;
        return new DeviceView(device.Id, device.Manufacturer, device.Model, device.Kinds, device.SerialNumber, device.Firmware,
            device.Status == DeviceStatus.Enabled ? "enabled" : "disabled",
            device.Credentials.Type == DeviceAuthenticationType.SymmetricKey ? "symmetricKey" : "x509",
            device.EnrollmentGroupId, device.CreatedAt, device.UpdatedAt, device.LastSeenAt, device.DeletedAt, current, visible,
            device.ReportingInterval is { } interval ? (int)interval.TotalSeconds : null);
    }
}

/// <summary>
/// What a factory flashes into a device: an IoT Hub connection string with the device's key, or, for devices of a DPS
/// enrollment group, the id scope, registration id and derived key.
/// </summary>
public sealed record DeviceCredentialsView(
    string DeviceId,
    string? HostName,
    string? ConnectionString,
    string? PrimaryKey,
    string? SecondaryKey,
    string? IdScope = null,
    string? RegistrationId = null,
    string? ProvisioningHost = null);

/// <summary>An enrollment group as the API shows it (keys only through its credentials).</summary>
public sealed record EnrollmentGroupView(
    string Id, string Manufacturer, string Model, IReadOnlyList<string> Kinds, string Status, DateTimeOffset CreatedAt, int? ReportingIntervalSeconds = null)
{
    public static EnrollmentGroupView Of(EnrollmentGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new(group.Id, group.Manufacturer, group.Model, group.Kinds, group.Status == DeviceStatus.Enabled ? "enabled" : "disabled", group.CreatedAt,
            group.ReportingInterval is { } interval ? (int)interval.TotalSeconds : null);
    }
}
