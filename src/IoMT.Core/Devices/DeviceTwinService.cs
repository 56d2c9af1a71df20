using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>A twin as the management API shows it, in IoT Hub's service shape.</summary>
public sealed record DeviceTwinView(string DeviceId, long Version, JsonObject Properties)
{
    public static DeviceTwinView Of(DeviceTwin twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return new DeviceTwinView(twin.DeviceId, twin.Version, new JsonObject
        {
            ["desired"] = DeviceTwins.Section(twin.Desired, twin.DesiredVersion),
            ["reported"] = DeviceTwins.Section(twin.Reported, twin.ReportedVersion),
        });
    }
}

/// <summary>
/// Device twins, the same rules for every host: admins and the device's manufacturer read a twin and patch its desired
/// properties (each patch recorded in the device's history, then passed on to the device); reported properties are the
/// device's alone, patched by the device itself through the gateway.
/// </summary>
public sealed class DeviceTwinService(
    IDeviceTwinStore store, IDeviceRegistry registry, TimeProvider time, IEnumerable<IDesiredPropertiesListener> listeners)
{
    private const int Attempts = 5;

    /// <summary>The product-owned desired property: how often the device measures and sends, in seconds (its registered reporting interval).</summary>
    public const string MeasurementIntervalProperty = "measurementIntervalSeconds";

    /// <summary>Who writes the product-owned desired properties, in the device's history.</summary>
    public const string SystemActor = "system";

    /// <summary>
    /// The desired properties the product owns for <paramref name="device"/>: its measurement interval, when it has a
    /// reporting interval; empty otherwise, and for a deleted device.
    /// </summary>
    public static JsonObject ProductSettings(DeviceRecord device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device is { ReportingInterval: { } interval, IsDeleted: false } ? new JsonObject { [MeasurementIntervalProperty] = (int)interval.TotalSeconds } : [];
    }

    /// <summary>
    /// Writes the product-owned desired properties of <paramref name="device"/> (<see cref="ProductSettings"/>) as
    /// <see cref="SystemActor"/>, records it in the device's history and passes it on to the device; null when it has none.
    /// </summary>
    public async Task<ApiResult<DeviceTwinView>?> SetProductSettingsAsync(DeviceRecord device, CancellationToken cancellationToken = default)
    {
        var patch = ProductSettings(device);
        if (patch.Count == 0)
        {
            return null;
        }

        var twin = await TwinOfAsync(device.Id, cancellationToken).ConfigureAwait(false);
        if (patch.All(p => twin.Desired.TryGetPropertyValue(p.Key, out var current) && JsonNode.DeepEquals(current, p.Value)))
        {
            return DeviceTwinView.Of(twin);
        }

        return await SaveDesiredAsync(SystemActor, device.Id, patch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /devices/{id}/twin</c>: for admins and device makers of the device's manufacturer.</summary>
    public async Task<ApiResult<DeviceTwinView>> GetAsync(Caller caller, string deviceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var device = await FindManagedAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        return device.IsSuccess ? DeviceTwinView.Of(await TwinOfAsync(deviceId, cancellationToken).ConfigureAwait(false)) : device.Error!;
    }

    /// <summary>
    /// <c>PATCH /devices/{id}/twin</c> with IoT Hub's body <c>{"properties": {"desired": {…}}}</c> (a JSON merge
    /// patch: null removes a property). Tags and reported properties are refused: the device alone reports.
    /// </summary>
    public async Task<ApiResult<DeviceTwinView>> PatchDesiredAsync(Caller caller, string deviceId, JsonNode? body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var device = await FindManagedAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        if (!device.IsSuccess)
        {
            return device.Error!;
        }

        if (device.Value!.IsDeleted)
        {
            return new ApiError(409, ApiError.DeviceDeleted, $"Device '{deviceId}' was deleted.");
        }

        var patch = ReadDesiredPatch(body);
        if (!patch.IsSuccess)
        {
            return patch.Error!;
        }

        return await SaveDesiredAsync(caller.Id, deviceId, patch.Value!, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApiResult<DeviceTwinView>> SaveDesiredAsync(string actor, string deviceId, JsonObject patch, CancellationToken cancellationToken)
    {
        var saved = await PatchAsync(deviceId, TwinSection.Desired, patch, "/properties/desired", cancellationToken).ConfigureAwait(false);
        if (!saved.IsSuccess)
        {
            return saved.Error!;
        }

        var twin = saved.Value!;
        await registry.RecordAsync([deviceId], new DeviceChange(time.GetUtcNow(), actor, "twin-desired-updated",
            $"$version {twin.DesiredVersion}: {string.Join(", ", patch.Select(p => p.Key))}"), cancellationToken).ConfigureAwait(false);
        foreach (var listener in listeners)
        {
            await listener.DesiredPropertiesChangedAsync(deviceId, patch, twin.DesiredVersion, cancellationToken).ConfigureAwait(false);
        }

        return DeviceTwinView.Of(twin);
    }

    /// <summary>The twin as the (authenticated) device reads it.</summary>
    public Task<DeviceTwin> GetForDeviceAsync(string deviceId, CancellationToken cancellationToken = default) => TwinOfAsync(deviceId, cancellationToken);

    /// <summary>A reported-properties patch from the (authenticated) device itself: the section's new <c>$version</c>.</summary>
    public async Task<ApiResult<long>> PatchReportedAsync(string deviceId, ReadOnlyMemory<byte> patchJson, CancellationToken cancellationToken = default)
    {
        var patch = DeviceTwins.ReadPatch(patchJson.Span);
        if (!patch.IsSuccess)
        {
            return patch.Error!;
        }

        var saved = await PatchAsync(deviceId, TwinSection.Reported, patch.Value!, "", cancellationToken).ConfigureAwait(false);
        return saved.IsSuccess ? saved.Value!.ReportedVersion : saved.Error!;
    }

    /// <summary>Reads <c>{"properties": {"desired": {…}}}</c>, refusing anything else in it.</summary>
    internal static ApiResult<JsonObject> ReadDesiredPatch(JsonNode? body)
    {
        if (body is not JsonObject root || root["properties"] is not JsonObject properties)
        {
            return ApiError.InvalidBody("/properties", "Send {\"properties\": {\"desired\": {…}}}: a JSON merge patch of the desired properties.");
        }

        if (root.Select(p => p.Key).FirstOrDefault(k => k is not ("properties" or "deviceId" or "etag")) is { } other)
        {
            return ApiError.InvalidBody("/" + other, $"Only desired properties can be patched here ('{other}' cannot).");
        }

        if (properties.Select(p => p.Key).FirstOrDefault(k => k != "desired") is { } section)
        {
            return ApiError.InvalidBody("/properties/" + section, section == "reported"
                ? "Reported properties are the device's alone: it patches them itself."
                : $"Only desired properties can be patched here ('{section}' cannot).");
        }

        return DeviceTwins.ValidatePatch(properties["desired"], "/properties/desired");
    }

    private async Task<ApiResult<DeviceTwin>> PatchAsync(string deviceId, TwinSection section, JsonObject patch, string pointer, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var twin = await TwinOfAsync(deviceId, cancellationToken).ConfigureAwait(false);
            var applied = DeviceTwins.Apply(section == TwinSection.Desired ? twin.Desired : twin.Reported, patch, pointer);
            if (!applied.IsSuccess)
            {
                return applied.Error!;
            }

            var next = section == TwinSection.Desired
                ? twin with { Version = twin.Version + 1, Desired = applied.Value!, DesiredVersion = twin.DesiredVersion + 1 }
                : twin with { Version = twin.Version + 1, Reported = applied.Value!, ReportedVersion = twin.ReportedVersion + 1 };
            if (await store.SaveAsync(next, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        return new ApiError(409, ApiError.Conflict, $"The twin of device '{deviceId}' kept changing while this request ran; try again.");
    }

    private async Task<DeviceTwin> TwinOfAsync(string deviceId, CancellationToken cancellationToken) =>
        await store.FindAsync(deviceId, cancellationToken).ConfigureAwait(false) ?? DeviceTwin.Empty(deviceId);

    private async Task<ApiResult<DeviceRecord>> FindManagedAsync(Caller caller, string deviceId, CancellationToken cancellationToken)
    {
        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return device is not null && DeviceService.CanManage(caller, device) ? device : ApiError.NoSuchDevice(deviceId);
    }
}
