using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>
/// A device's twin as IoT Hub keeps it: desired properties (set by the solution, read by the device) and reported
/// properties (set by the device alone), each a JSON document with its own <c>$version</c>, which starts at 1 and grows
/// with every patch of that section. <see cref="Version"/> is the stored twin's version (0: never stored), for
/// optimistic concurrency. The documents hold no <c>$version</c> themselves; <see cref="DeviceTwins.Section"/> adds it.
/// </summary>
public sealed record DeviceTwin(string DeviceId, long Version, JsonObject Desired, long DesiredVersion, JsonObject Reported, long ReportedVersion)
{
    /// <summary>The twin of a device nothing has been set for yet (IoT Hub's versions of an empty twin).</summary>
    public static DeviceTwin Empty(string deviceId) => new(deviceId, 0, [], 1, [], 1);
}

/// <summary>Which part of a twin a patch changes.</summary>
public enum TwinSection
{
    Desired,
    Reported,
}

/// <summary>
/// Where twins are kept (SQLite locally; IoT Hub itself in Azure). Storage only: the rules live in
/// <see cref="DeviceTwins"/> and <see cref="DeviceTwinService"/>.
/// </summary>
public interface IDeviceTwinStore
{
    /// <summary>The stored twin, or null when nothing was ever set for the device.</summary>
    Task<DeviceTwin?> FindAsync(string deviceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="twin"/> if the stored one has version <c>twin.Version − 1</c> (none stored when it is 1);
    /// false when it changed meanwhile.
    /// </summary>
    Task<bool> SaveAsync(DeviceTwin twin, CancellationToken cancellationToken = default);
}

/// <summary>Told of every desired-property patch once it is stored, to pass it on to the device if it is connected.</summary>
public interface IDesiredPropertiesListener
{
    Task DesiredPropertiesChangedAsync(string deviceId, JsonObject patch, long version, CancellationToken cancellationToken = default);
}

/// <summary>
/// IoT Hub's twin rules, pure: JSON merge patches (RFC 7386: members set, <c>null</c> removes, objects merge member by
/// member), with IoT Hub's limits on what a patch may hold: keys of at most 1 KB without control characters,
/// <c>.</c>, <c>$</c> or spaces; objects nested at most <see cref="MaxDepth"/> deep; string values of at most 4 KB; each
/// section at most 32 KB.
/// </summary>
public static class DeviceTwins
{
    public const string VersionMember = "$version";
    public const int MaxDepth = 10;
    public const int MaxKeyBytes = 1024;
    public const int MaxStringBytes = 4 * 1024;
    public const int MaxSectionBytes = 32 * 1024;

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>
    /// Reads a patch sent as bytes (a device's reported-properties patch): a JSON object within the limits, else the
    /// refusal (400) with the JSON pointer of what is wrong.
    /// </summary>
    public static ApiResult<JsonObject> ReadPatch(ReadOnlySpan<byte> json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth + 2 });
        }
        catch (JsonException e)
        {
            return ApiError.InvalidBody("", $"The patch is not valid JSON ({e.Message}).");
        }

        return ValidatePatch(node, "");
    }

    /// <summary>Checks that <paramref name="patch"/> is a JSON object within IoT Hub's limits (<paramref name="pointer"/> names it in refusals).</summary>
    public static ApiResult<JsonObject> ValidatePatch(JsonNode? patch, string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (patch is not JsonObject patchObject)
        {
            return ApiError.InvalidBody(pointer, "A twin patch is a JSON object of property names and values (null removes a property).");
        }

        return Check(patchObject, pointer, 1) is { } error ? error : patchObject;
    }

    /// <summary>
    /// <paramref name="target"/> with <paramref name="patch"/> applied (RFC 7386); neither is changed. Fails when the
    /// result would be larger than <see cref="MaxSectionBytes"/>.
    /// </summary>
    public static ApiResult<JsonObject> Apply(JsonObject target, JsonObject patch, string pointer = "")
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(patch);
        var result = (JsonObject)target.DeepClone();
        Merge(result, patch);
        var size = Encoding.UTF8.GetByteCount(result.ToJsonString(Compact));
        return size > MaxSectionBytes
            ? ApiError.InvalidBody(pointer, $"The twin section would hold {size:N0} bytes; IoT Hub keeps at most {MaxSectionBytes:N0}.")
            : result;
    }

    /// <summary>A section as IoT Hub shows it: its properties and its <c>$version</c>.</summary>
    public static JsonObject Section(JsonObject properties, long version)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var section = (JsonObject)properties.DeepClone();
        section[VersionMember] = version;
        return section;
    }

    /// <summary>
    /// What a device reads with a twin GET: <c>{"desired": {…, "$version": n}, "reported": {…, "$version": m}}</c>.
    /// </summary>
    public static JsonObject DeviceDocument(DeviceTwin twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return new JsonObject
        {
            ["desired"] = Section(twin.Desired, twin.DesiredVersion),
            ["reported"] = Section(twin.Reported, twin.ReportedVersion),
        };
    }

    /// <summary>A desired-property notification's body: the patch as stored and the section's new <c>$version</c>.</summary>
    public static JsonObject DesiredNotification(JsonObject patch, long version) => Section(patch, version);

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject patchObject)
            {
                if (target[name] is not JsonObject existing)
                {
                    existing = [];
                    target[name] = existing;
                }

                Merge(existing, patchObject);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    private static ApiError? Check(JsonObject node, string pointer, int depth)
    {
        if (depth > MaxDepth)
        {
            return ApiError.InvalidBody(pointer, $"Twin properties nest at most {MaxDepth} objects deep.");
        }

        foreach (var (name, value) in node)
        {
            var at = $"{pointer}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";
            if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > MaxKeyBytes || name.AsSpan().IndexOfAny(".$ ") >= 0 || name.Any(char.IsControl))
            {
                return ApiError.InvalidBody(at, "Twin property names are 1 byte to 1 KB and hold no control characters, '.', '$' or spaces.");
            }

            if (CheckValue(value, at, depth) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static ApiError? CheckArray(JsonArray array, string pointer, int depth)
    {
        if (depth > MaxDepth)
        {
            return ApiError.InvalidBody(pointer, $"Twin properties nest at most {MaxDepth} levels deep.");
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (CheckValue(array[i], $"{pointer}/{i}", depth) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>A member's or an item's value: nested objects and arrays checked in turn, strings within their limit.</summary>
    private static ApiError? CheckValue(JsonNode? value, string at, int depth) => value switch
    {
        JsonObject child => Check(child, at, depth + 1),
        JsonArray array => CheckArray(array, at, depth + 1),
        JsonValue leaf when leaf.GetValueKind() == JsonValueKind.String && Encoding.UTF8.GetByteCount(leaf.GetValue<string>()) > MaxStringBytes =>
            ApiError.InvalidBody(at, $"Twin string values hold at most {MaxStringBytes:N0} bytes."),
        _ => null,
    };
}
