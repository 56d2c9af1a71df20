using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>Who may see and change which device.</summary>
public sealed partial class DeviceService
{
    /// <summary>Admins manage every device; device makers those of their manufacturer.</summary>
    public static bool CanManage(Caller caller, DeviceRecord device)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(device);
        return caller.Has(Role.Admin) || (caller.Has(Role.DeviceMaker) && caller.Manufacturer is not null && caller.Manufacturer == device.Manufacturer);
    }

    private static ApiError? RequireMaker(Caller caller) =>
        caller.Has(Role.Admin) || caller.Has(Role.DeviceMaker) ? null : ApiError.Forbid("Only admins and device makers register and manage devices.");

    private async Task<ApiResult<DeviceRecord>> FindManagedAsync(Caller caller, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (RequireMaker(caller) is { } denied)
        {
            return denied;
        }

        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return device is not null && CanManage(caller, device) ? device : ApiError.NoSuchDevice(deviceId);
    }

    /// <summary>Any device for makers of it and admins; for clinicians, any device by its exact id (to bind one from the ward's stock).</summary>
    private async Task<ApiResult<DeviceRecord>> FindVisibleAsync(Caller caller, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        var visible = device is not null && (CanManage(caller, device) || caller.Roles.Any(r => r.IsClinical()));
        return visible ? device! : ApiError.NoSuchDevice(deviceId);
    }

    /// <summary>Binding is care: admins, or clinicians who can see the patient the device is bound to now (if any).</summary>
    private async Task<ApiResult<DeviceRecord>> FindBindableAsync(Caller caller, string deviceId, CancellationToken cancellationToken)
    {
        if (!caller.Has(Role.Admin) && !caller.Roles.Any(r => r.IsClinical()))
        {
            return ApiError.Forbid("Only admins, care coordinators, nurses and physicians bind devices to patients.");
        }

        var found = await FindVisibleAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        if (found.IsSuccess && found.Value!.CurrentPatientId is { } current
            && (await patients.FindReadableAsync(caller, current, cancellationToken).ConfigureAwait(false)).Error is not null)
        {
            return ApiError.Forbid("The device is bound to a patient outside your care teams.");
        }

        return found;
    }

    /// <summary>Which of the bindings' patients the caller may see: all for admins, none for device makers.</summary>
    private async Task<Func<string, bool>?> VisiblePatientsAsync(Caller caller, IEnumerable<DeviceBinding> bindings, CancellationToken cancellationToken)
    {
        if (caller.Has(Role.Admin))
        {
            return _ => true;
        }

        if (!caller.Roles.Any(r => r.IsClinical()))
        {
            return null;
        }

        var visible = new HashSet<string>(StringComparer.Ordinal);
        foreach (var patientId in bindings.Select(b => b.PatientId).Distinct(StringComparer.Ordinal))
        {
            if ((await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false)).Error is null)
            {
                visible.Add(patientId);
            }
        }

        return visible.Contains;
    }
}

/// <summary>A page of devices as the API shows them.</summary>
public sealed record DevicePageView(IReadOnlyList<DeviceView> Items, string? ContinuationToken);
