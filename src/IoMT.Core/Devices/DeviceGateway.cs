using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>A completed DPS registration, as DPS reports it in <c>registrationState</c>.</summary>
public sealed record DpsRegistration(string RegistrationId, string DeviceId, string AssignedHub, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Substatus);

/// <summary>
/// What a device meets at the door, with IoT Hub's and DPS's rules: a device authenticates with a shared access
/// signature for its own id, signed with one of its keys; a disabled device is refused; a device of an enrollment group
/// registers itself with its derived key and is created on first registration.
/// </summary>
public sealed class DeviceGateway(IDeviceRegistry registry, TimeProvider time, DeviceTwinService? twins = null)
{
    /// <summary>IoT Hub's limit for a device-to-cloud message.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    public const string DpsKeyName = "registration";

    /// <summary>
    /// Authenticates a device calling the hub as <paramref name="deviceId"/> (any transport, any operation).
    /// <paramref name="hostNames"/> are the host names tokens may name (the hub's, and the one the device called).
    /// Refusals: 401 <see cref="ApiError.Unauthenticated"/> (no, a malformed, forged or expired token, one for another
    /// device or hub, or an X.509 device) or 401 <see cref="ApiError.DeviceNotFound"/> (not registered, or deleted), whose
    /// details are for the security audit: <see cref="IoTHubErrors"/> answers every 401 alike; 404
    /// <see cref="IoTHubErrors.DeviceDisabledCode"/> once the device proved who it is.
    /// </summary>
    public async Task<ApiResult<DeviceRecord>> AuthenticateAsync(
        string deviceId, string? authorization, IReadOnlyCollection<string> hostNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        if (SasToken.Parse(authorization) is not { } token)
        {
            return Unauthorized("Send 'Authorization: SharedAccessSignature sr=…&sig=…&se=…' signed with the device's key.");
        }

        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (device is null || device.IsDeleted)
        {
            // No key to check the token against: refused as a bad token, so that no one learns which devices exist.
            return new ApiError(401, ApiError.DeviceNotFound, $"Device '{deviceId}' is not registered.");
        }

        if (device.Credentials.Type != DeviceAuthenticationType.SymmetricKey)
        {
            return Unauthorized("This device authenticates with an X.509 certificate, which needs TLS client authentication; this gateway accepts shared access signatures.");
        }

        var host = hostNames.FirstOrDefault(h => string.Equals(token.Resource, $"{h}/devices/{deviceId}", StringComparison.OrdinalIgnoreCase));
        var result = host is null ? SasTokenError.WrongResource : token.Validate($"{host}/devices/{deviceId}", device.Credentials.SigningKeys, time.GetUtcNow());
        if (result != SasTokenError.None)
        {
            return Unauthorized(result switch
            {
                SasTokenError.Expired => "The token has expired.",
                SasTokenError.WrongResource => $"The token is not for '{{hub}}/devices/{deviceId}'.",
                _ => "The token's signature does not match the device's keys.",
            });
        }

        // IoT Hub answers a disabled device as one it does not hold (404 DeviceNotFound); the code keeps the difference
        // for the security audit.
        return device.Status == DeviceStatus.Enabled ? device : new ApiError(404, IoTHubErrors.DeviceDisabledCode, $"Device '{deviceId}' is disabled.");
    }

    /// <summary>
    /// <c>PUT /{idScope}/registrations/{registrationId}/register</c> with a token signed by a key derived from an
    /// enabled group's key: creates the device on first registration, and answers the same assignment afterwards.
    /// </summary>
    public async Task<ApiResult<DpsRegistration>> RegisterAsync(
        string idScope, string registrationId, string? authorization, GatewayEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        var group = await AuthenticateRegistrationAsync(idScope, registrationId, authorization, endpoints, cancellationToken).ConfigureAwait(false);
        return group.IsSuccess ? await AssignAsync(group.Value!, registrationId, endpoints, cancellationToken).ConfigureAwait(false) : group.Error!;
    }

    /// <summary>
    /// Checks a DPS registration token: for <c>{idScope}/registrations/{registrationId}</c> of this host's id scope,
    /// <c>skn=registration</c>, signed with a key derived from an enabled enrollment group's; the group, or the refusal
    /// (401). <see cref="RegisterAsync"/> checks it with every request; DPS over MQTT also when the device connects.
    /// </summary>
    public async Task<ApiResult<EnrollmentGroup>> AuthenticateRegistrationAsync(
        string idScope, string registrationId, string? authorization, GatewayEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var token = SasToken.Parse(authorization);
        if (token is null || token.KeyName != DpsKeyName || !string.Equals(idScope, endpoints.IdScope, StringComparison.Ordinal)
            || !DeviceIds.IsValid(registrationId))
        {
            return Unauthorized("Send a shared access signature for '{idScope}/registrations/{registrationId}' with skn=registration, signed with the derived key.");
        }

        var now = time.GetUtcNow();
        var resource = $"{idScope}/registrations/{registrationId}";
        EnrollmentGroup? group = null;
        foreach (var candidate in await registry.ListGroupsAsync(cancellationToken).ConfigureAwait(false))
        {
            var derived = new[] { DpsKeys.DeriveDeviceKey(candidate.PrimaryKey, registrationId), DpsKeys.DeriveDeviceKey(candidate.SecondaryKey, registrationId) };
            if (candidate.Status == DeviceStatus.Enabled && token.Validate(resource, derived, now) == SasTokenError.None)
            {
                group = candidate;
                break;
            }
        }

        return group is null ? Unauthorized("The token is not signed with a key of an enabled enrollment group.") : group;
    }

    /// <summary>
    /// The assignment of a device that proved it holds <paramref name="group"/>'s derived key (checked above locally, by
    /// DPS in Azure): its identity, created with the derived keys on first registration, on this host's hub.
    /// </summary>
    public async Task<ApiResult<DpsRegistration>> AssignAsync(
        EnrollmentGroup group, string registrationId, GatewayEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!DeviceIds.IsValid(registrationId))
        {
            return new ApiError(400, ApiError.ParameterInvalid, "The registration id is not a valid device id.", "registrationId");
        }

        var now = time.GetUtcNow();
        var device = new DeviceRecord
        {
            Id = registrationId,
            Manufacturer = group.Manufacturer,
            Model = group.Model,
            Kinds = group.Kinds,
            Credentials = new DeviceCredentials(DeviceAuthenticationType.SymmetricKey,
                DpsKeys.DeriveDeviceKey(group.PrimaryKey, registrationId), DpsKeys.DeriveDeviceKey(group.SecondaryKey, registrationId)),
            EnrollmentGroupId = group.Id,
            ReportingInterval = group.ReportingInterval,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if ((await registry.CreateAsync([device], "dps:" + group.Id, cancellationToken).ConfigureAwait(false))[0])
        {
            if (twins is not null)
            {
                await twins.SetProductSettingsAsync(device, cancellationToken).ConfigureAwait(false);
            }

            return new DpsRegistration(registrationId, registrationId, endpoints.HubHostName, now, now, "initialAssignment");
        }

        var existing = await registry.FindAsync(registrationId, cancellationToken).ConfigureAwait(false);
        return existing is { IsDeleted: false, Status: DeviceStatus.Enabled } && existing.EnrollmentGroupId == group.Id
            ? new DpsRegistration(registrationId, registrationId, endpoints.HubHostName, existing.CreatedAt, existing.UpdatedAt, "initialAssignment")
            : new ApiError(403, "device.disabled", $"Device '{registrationId}' exists outside this enrollment group, or is disabled or deleted.");
    }

    private static ApiError Unauthorized(string detail) => new(401, ApiError.Unauthenticated, detail);
}
