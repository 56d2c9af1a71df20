using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>
/// Bind, reassign and unbind as changes to a device's binding history. History is never rewritten: a change takes
/// effect at an instant no earlier than the start of the latest binding, and closes the open binding there.
/// </summary>
public static class BindingChanges
{
    /// <summary>Binds the device to <paramref name="patientId"/> from <paramref name="at"/> (a reassignment when it is bound to another patient).</summary>
    public static ApiResult<IReadOnlyList<DeviceBinding>> Bind(IReadOnlyList<DeviceBinding> history, string deviceId, string patientId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(history);
        var last = history.Count == 0 ? null : history[^1];
        if (last is { To: null } open && open.PatientId == patientId && at >= open.From)
        {
            return new ApiResult<IReadOnlyList<DeviceBinding>>(history, null);
        }

        if (Conflict(last, at) is { } error)
        {
            return error;
        }

        var closed = last is { To: null } ? [.. history.SkipLast(1), last with { To = at }] : history.ToList();
        return new ApiResult<IReadOnlyList<DeviceBinding>>([.. closed, new DeviceBinding(deviceId, patientId, at, null)], null);
    }

    public static ApiResult<IReadOnlyList<DeviceBinding>> Unbind(IReadOnlyList<DeviceBinding> history, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0 || history[^1].To is not null)
        {
            return new ApiError(409, ApiError.BindingConflict, "The device is not bound to a patient.");
        }

        if (Conflict(history[^1], at) is { } error)
        {
            return error;
        }

        return new ApiResult<IReadOnlyList<DeviceBinding>>([.. history.SkipLast(1), history[^1] with { To = at }], null);
    }

    private static ApiError? Conflict(DeviceBinding? last, DateTimeOffset at)
    {
        if (last is null)
        {
            return null;
        }

        if (at < last.From)
        {
            return new ApiError(409, ApiError.BindingConflict,
                $"Binding history is never rewritten: the change must take effect at or after {Validation.Rfc3339.Format(last.From)}, when the latest binding began.");
        }

        return last.To is { } end && at < end
            ? new ApiError(409, ApiError.BindingConflict, $"The device was bound to another patient until {Validation.Rfc3339.Format(end)}.")
            : null;
    }
}
