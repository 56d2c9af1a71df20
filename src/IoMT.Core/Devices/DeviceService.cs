using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Patients;

namespace IoMT.Core.Devices;

/// <summary>Where devices connect: the hub host name in connection strings, and the DPS id scope and host.</summary>
public sealed record GatewayEndpoints(string HubHostName, string IdScope, string ProvisioningHostName);

/// <summary>
/// The device registry's rules, the same in every host: who may do what (device makers manage their manufacturer's
/// devices, admins all, clinicians bind devices to their patients), validation, key generation and rotation, binding
/// history, and a history entry for every change.
/// </summary>
/// When the host has twins (<paramref name="twins"/>), a device registered or imported with a reporting interval gets
/// the product's desired property <see cref="DeviceTwinService.MeasurementIntervalProperty"/> in its twin.
public sealed partial class DeviceService(IDeviceRegistry registry, IPatientDirectory patients, TimeProvider time, DeviceTwinService? twins = null)
{
    private const int Attempts = 3;

    public async Task<ApiResult<DeviceView>> RegisterAsync(Caller caller, DeviceRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (RequireMaker(caller) is { } denied)
        {
            return denied;
        }

        var validated = DeviceRegistrations.Validate(registration, caller, time.GetUtcNow());
        if (!validated.IsSuccess)
        {
            return validated.Error!;
        }

        var created = await registry.CreateAsync([validated.Value!], caller.Id, cancellationToken).ConfigureAwait(false);
        if (created[0] && twins is not null)
        {
            await twins.SetProductSettingsAsync(validated.Value!, cancellationToken).ConfigureAwait(false);
        }

        return created[0]
            ? DeviceView.Of(validated.Value!, await VisiblePatientsAsync(caller, [], cancellationToken).ConfigureAwait(false))
            : new ApiError(409, ApiError.DeviceExists, $"A device '{validated.Value!.Id}' exists already.");
    }

    /// <summary>Bulk registration (see <see cref="DeviceImport"/>): per-row results; existing devices are left as they are.</summary>
    public async Task<ApiResult<ImportSummary>> ImportAsync(Caller caller, IReadOnlyList<DeviceRegistration> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(rows);
        if (RequireMaker(caller) is { } denied)
        {
            return denied;
        }

        if (rows.Count > DeviceImport.MaxRows)
        {
            return ApiError.InvalidBody("", $"At most {DeviceImport.MaxRows} rows per request; send larger files in parts (iomt devices import does).");
        }

        var summary = await DeviceImport.RunAsync(registry, caller, rows, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (twins is not null)
        {
            var created = summary.Rows.Where(r => r.Status == DeviceImport.Created && rows[r.Row - 1].ReportingIntervalSeconds is not null).Select(r => r.DeviceId!).ToList();
            foreach (var device in await registry.FindManyAsync(created, cancellationToken).ConfigureAwait(false))
            {
                await twins.SetProductSettingsAsync(device, cancellationToken).ConfigureAwait(false);
            }
        }

        return summary;
    }

    public async Task<ApiResult<DevicePageView>> ListAsync(Caller caller, DeviceFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.PageSize is < 1 or > DeviceFilter.MaxPageSize)
        {
            return ApiError.InvalidParameter("pageSize", $"'pageSize' must be 1–{DeviceFilter.MaxPageSize}.");
        }

        if (!caller.Has(Role.Admin))
        {
            if (caller.Has(Role.DeviceMaker))
            {
                if (filter.Manufacturer is not null && filter.Manufacturer != caller.Manufacturer)
                {
                    return ApiError.Forbid($"You see devices of '{caller.Manufacturer}' only.");
                }

                filter = filter with { Manufacturer = caller.Manufacturer ?? "", PatientId = null };
            }
            else if (filter.PatientId is null)
            {
                return ApiError.InvalidParameter("patient", "Care teams list the devices of one of their patients: pass 'patient'.");
            }
            else if ((await patients.FindReadableAsync(caller, filter.PatientId, cancellationToken).ConfigureAwait(false)).Error is { } error)
            {
                return error;
            }
        }

        DevicePage page;
        try
        {
            page = await registry.ListAsync(filter, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            return ApiError.InvalidParameter("continuationToken", "The continuation token is not one this API issued.");
        }

        var visible = await VisiblePatientsAsync(caller, page.Items.SelectMany(d => d.Bindings), cancellationToken).ConfigureAwait(false);
        return new DevicePageView([.. page.Items.Select(d => DeviceView.Of(d, visible))], page.ContinuationToken);
    }

    public async Task<ApiResult<DeviceView>> GetAsync(Caller caller, string deviceId, CancellationToken cancellationToken = default)
    {
        var found = await FindVisibleAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var visible = await VisiblePatientsAsync(caller, found.Value!.Bindings, cancellationToken).ConfigureAwait(false);
        return DeviceView.Of(found.Value!, visible);
    }

    public async Task<ApiResult<IReadOnlyList<DeviceChange>>> HistoryAsync(Caller caller, string deviceId, CancellationToken cancellationToken = default)
    {
        var found = await FindManagedAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess
            ? new ApiResult<IReadOnlyList<DeviceChange>>(await registry.HistoryAsync(deviceId, cancellationToken).ConfigureAwait(false), null)
            : found.Error!;
    }

    public Task<ApiResult<DeviceView>> SetStatusAsync(Caller caller, string deviceId, DeviceStatus status, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, deviceId, manage: true, status == DeviceStatus.Enabled ? "enabled" : "disabled",
            device => device.Status == status ? (device, null) : (device with { Status = status }, null), cancellationToken);

    /// <summary>Replaces the <c>primary</c>, <c>secondary</c> or <c>both</c> keys; tokens signed with a kept key stay valid.</summary>
    public Task<ApiResult<DeviceView>> RotateKeysAsync(Caller caller, string deviceId, string? which, CancellationToken cancellationToken = default)
    {
        var key = which ?? "both";
        if (key is not ("primary" or "secondary" or "both"))
        {
            return Task.FromResult<ApiResult<DeviceView>>(ApiError.InvalidBody("/key", "'key' must be 'primary', 'secondary' or 'both'."));
        }

        return ChangeAsync(caller, deviceId, manage: true, "keys-rotated", device =>
        {
            if (device.Credentials.Type != DeviceAuthenticationType.SymmetricKey || device.EnrollmentGroupId is not null)
            {
                return (null, new ApiError(409, ApiError.Conflict, device.EnrollmentGroupId is null
                    ? "The device authenticates with X.509 certificates: update its thumbprints instead."
                    : "The device's keys derive from its enrollment group's: rotate the group's keys."));
            }

            var credentials = device.Credentials with
            {
                PrimaryKey = key is "primary" or "both" ? DpsKeys.NewKey() : device.Credentials.PrimaryKey,
                SecondaryKey = key is "secondary" or "both" ? DpsKeys.NewKey() : device.Credentials.SecondaryKey,
            };
            return (device with { Credentials = credentials }, null);
        }, cancellationToken, detail: key);
    }

    /// <summary>Deletes a device: it can no longer authenticate; its open binding ends now; record and history are kept.</summary>
    public Task<ApiResult<DeviceView>> DeleteAsync(Caller caller, string deviceId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, deviceId, manage: true, "deleted", device =>
        {
            var now = time.GetUtcNow();
            var bindings = device.Bindings.Count > 0 && device.Bindings[^1].To is null
                ? [.. device.Bindings.SkipLast(1), device.Bindings[^1] with { To = Max(now, device.Bindings[^1].From) }]
                : device.Bindings;
            return (device with { DeletedAt = now, Status = DeviceStatus.Disabled, Bindings = bindings }, null);
        }, cancellationToken);

    public async Task<ApiResult<DeviceView>> BindPatientAsync(Caller caller, string deviceId, string? patientId, DateTimeOffset? at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (patientId is null)
        {
            return ApiError.InvalidBody("/patientId", "'patientId' is required.");
        }

        if ((await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false)).Error is { } error)
        {
            return error;
        }

        return await ChangeAsync(caller, deviceId, manage: false, "bound", device =>
        {
            var changed = BindingChanges.Bind(device.Bindings, device.Id, patientId, at ?? time.GetUtcNow());
            return changed.IsSuccess ? (device with { Bindings = changed.Value! }, null) : (null, changed.Error);
        }, cancellationToken, detail: patientId).ConfigureAwait(false);
    }

    public Task<ApiResult<DeviceView>> UnbindPatientAsync(Caller caller, string deviceId, DateTimeOffset? at, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, deviceId, manage: false, "unbound", device =>
        {
            var changed = BindingChanges.Unbind(device.Bindings, at ?? time.GetUtcNow());
            return changed.IsSuccess ? (device with { Bindings = changed.Value! }, null) : (null, changed.Error);
        }, cancellationToken);

    /// <summary>What to flash into each device; recorded in each device's history.</summary>
    public async Task<ApiResult<IReadOnlyList<DeviceCredentialsView>>> ExportCredentialsAsync(
        Caller caller, IReadOnlyCollection<string> deviceIds, GatewayEndpoints endpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(deviceIds);
        ArgumentNullException.ThrowIfNull(endpoints);
        if (RequireMaker(caller) is { } denied)
        {
            return denied;
        }

        if (deviceIds.Count > DeviceImport.MaxRows)
        {
            return ApiError.InvalidBody("/deviceIds", $"At most {DeviceImport.MaxRows} devices per request.");
        }

        var found = (await registry.FindManyAsync(deviceIds, cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var views = new List<DeviceCredentialsView>(deviceIds.Count);
        foreach (var id in deviceIds)
        {
            if (!found.TryGetValue(id, out var device) || device.IsDeleted || !CanManage(caller, device))
            {
                return ApiError.NoSuchDevice(id);
            }

            views.Add(Credentials(device, endpoints));
        }

        await registry.RecordAsync(deviceIds, new DeviceChange(time.GetUtcNow(), caller.Id, "credentials-exported"), cancellationToken).ConfigureAwait(false);
        return views;
    }

    internal static DeviceCredentialsView Credentials(DeviceRecord device, GatewayEndpoints endpoints)
    {
        var keys = device.Credentials;
        if (keys.Type != DeviceAuthenticationType.SymmetricKey)
        {
            return new DeviceCredentialsView(device.Id, endpoints.HubHostName, null, null, null);
        }

        var connection = $"HostName={endpoints.HubHostName};DeviceId={device.Id};SharedAccessKey={keys.PrimaryKey}";
        return device.EnrollmentGroupId is null
            ? new DeviceCredentialsView(device.Id, endpoints.HubHostName, connection, keys.PrimaryKey, keys.SecondaryKey)
            : new DeviceCredentialsView(device.Id, endpoints.HubHostName, connection, keys.PrimaryKey, keys.SecondaryKey,
                endpoints.IdScope, device.Id, endpoints.ProvisioningHostName);
    }

    private async Task<ApiResult<DeviceView>> ChangeAsync(
        Caller caller,
        string deviceId,
        bool manage,
        string action,
        Func<DeviceRecord, (DeviceRecord? Changed, ApiError? Error)> change,
        CancellationToken cancellationToken,
        string? detail = null)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var found = manage
                ? await FindManagedAsync(caller, deviceId, cancellationToken).ConfigureAwait(false)
                : await FindBindableAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
            if (!found.IsSuccess)
            {
                return found.Error!;
            }

            var device = found.Value!;
            if (device.IsDeleted)
            {
                return new ApiError(409, ApiError.DeviceDeleted, $"Device '{deviceId}' was deleted at {Validation.Rfc3339.Format(device.DeletedAt!.Value)}.");
            }

            var (changed, error) = change(device);
            if (error is not null)
            {
                return error;
            }

            if (changed == device)
            {
                return await GetAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
            }

            var now = time.GetUtcNow();
            var next = changed! with { Version = device.Version + 1, UpdatedAt = now };
            if (await registry.UpdateAsync(next, new DeviceChange(now, caller.Id, action, detail), cancellationToken).ConfigureAwait(false))
            {
                var visible = await VisiblePatientsAsync(caller, next.Bindings, cancellationToken).ConfigureAwait(false);
                return DeviceView.Of(next, visible);
            }
        }

        return new ApiError(409, ApiError.Conflict, $"Device '{deviceId}' kept changing while this request ran; try again.");
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
