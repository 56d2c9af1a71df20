using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;
using Microsoft.Azure.Devices.Shared;

namespace IoMT.Functions.Devices;

/// <summary>
/// Device twins in Azure: IoT Hub's own, read and written through its registry (the app's managed identity). A twin's
/// <see cref="DeviceTwin.Version"/> is IoT Hub's twin <c>version</c>, each section's version its <c>$version</c>; the
/// app writes desired properties only, as a JSON merge patch guarded by the twin's ETag (IoT Hub's optimistic
/// concurrency). Reported properties are written by the device alone, through IoT Hub; the app never sends any.
/// </summary>
public sealed class IoTHubTwinStore(RegistryManager hub) : IDeviceTwinStore
{
    /// <summary>The device's twin in IoT Hub; null when IoT Hub has no such device (hence no twin).</summary>
    public async Task<DeviceTwin?> FindAsync(string deviceId, CancellationToken cancellationToken = default)
    {
        try
        {
            return ToCore(deviceId, await hub.GetTwinAsync(deviceId, cancellationToken).ConfigureAwait(false));
        }
        catch (DeviceNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads the twin, and when its version is <c>twin.Version − 1</c> sends IoT Hub the changes from its desired
    /// properties to <paramref name="twin"/>'s (null removes a property) with the ETag it read: false when the version
    /// differs or the ETag no longer matches (412, the twin changed in between). Nothing is sent when the desired
    /// properties are already <paramref name="twin"/>'s. Throws <see cref="DeviceNotFoundException"/> when IoT Hub has
    /// no such device (it keeps no twin without an identity), and <see cref="InvalidOperationException"/> when
    /// <paramref name="twin"/> changes reported properties, which only the device writes.
    /// </summary>
    public async Task<bool> SaveAsync(DeviceTwin twin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var stored = await hub.GetTwinAsync(twin.DeviceId, cancellationToken).ConfigureAwait(false);
        var current = ToCore(twin.DeviceId, stored);
        if (current.Version != twin.Version - 1)
        {
            return false;
        }

        if (!JsonNode.DeepEquals(current.Reported, twin.Reported))
        {
            throw new InvalidOperationException($"Reported properties of device '{twin.DeviceId}' are written by the device alone, through IoT Hub.");
        }

        var patch = MergePatch(current.Desired, twin.Desired);
        if (patch.Count == 0)
        {
            return true;
        }

        try
        {
            await hub.UpdateTwinAsync(twin.DeviceId, DesiredPatch(patch), stored.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PreconditionFailedException)
        {
            return false;
        }
    }

    /// <summary>IoT Hub's twin as Core's: the versions, and each section's properties without its <c>$version</c> and <c>$metadata</c>.</summary>
    private static DeviceTwin ToCore(string deviceId, Twin twin)
    {
        var desired = twin.Properties?.Desired;
        var reported = twin.Properties?.Reported;
        return new DeviceTwin(deviceId, twin.Version ?? 0, PropertiesOf(desired), desired?.Version ?? 1, PropertiesOf(reported), reported?.Version ?? 1);
    }

    /// <summary>A twin patch of desired properties alone: <c>{"properties": {"desired": {…}}}</c>, no tags, no reported section.</summary>
    private static Twin DesiredPatch(JsonObject desired) =>
        new(new TwinProperties { Desired = new TwinCollection(desired.ToJsonString()), Reported = null });

    /// <summary>
    /// A section's properties: IoT Hub adds <c>$version</c> and <c>$metadata</c> beside them (property names never
    /// start with <c>$</c>).
    /// </summary>
    private static JsonObject PropertiesOf(TwinCollection? section)
    {
        if (section is null || JsonNode.Parse(section.ToJson()) is not JsonObject properties)
        {
            return [];
        }

        foreach (var name in properties.Select(p => p.Key).Where(k => k.StartsWith('$')).ToList())
        {
            properties.Remove(name);
        }

        return properties;
    }

    /// <summary>The JSON merge patch (RFC 7386) that turns <paramref name="from"/> into <paramref name="to"/>: what changed, null for what went.</summary>
    private static JsonObject MergePatch(JsonObject from, JsonObject to)
    {
        var patch = new JsonObject();
        foreach (var (name, _) in from)
        {
            if (!to.ContainsKey(name))
            {
                patch[name] = null;
            }
        }

        foreach (var (name, value) in to)
        {
            from.TryGetPropertyValue(name, out var old);
            if (value is JsonObject target && old is JsonObject source)
            {
                if (MergePatch(source, target) is { Count: > 0 } inner)
                {
                    patch[name] = inner;
                }
            }
            else if (!from.ContainsKey(name) || !JsonNode.DeepEquals(old, value))
            {
                patch[name] = value?.DeepClone();
            }
        }

        return patch;
    }
}
