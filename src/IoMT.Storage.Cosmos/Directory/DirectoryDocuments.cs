using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using IoMT.Core.Devices;
using IoMT.Core.Patients;

namespace IoMT.Storage.Cosmos.Directory;

/// <summary>
/// Directory documents: the whole record as JSON under <c>record</c>, plus the top-level fields queries filter and sort
/// by. Partition keys: <c>device:{id}</c> (a device and its history), <c>group:{id}</c>, <c>patient:{id}</c>.
/// </summary>
internal static class DirectoryDocuments
{
    public const string DeviceType = "device";
    public const string ChangeType = "deviceChange";
    public const string GroupType = "enrollmentGroup";
    public const string PatientType = "patient";

    public static string DevicePartition(string deviceId) => "device:" + deviceId;

    public static string GroupPartition(string groupId) => "group:" + groupId;

    public static string PatientPartition(string patientId) => "patient:" + patientId;

    public static string StatusName(DeviceStatus status) => status == DeviceStatus.Enabled ? "enabled" : "disabled";

    public static JsonObject Device(DeviceRecord device) => new()
    {
        ["id"] = DevicePartition(device.Id),
        ["pk"] = DevicePartition(device.Id),
        ["type"] = DeviceType,
        ["deviceId"] = device.Id,
        ["manufacturer"] = device.Manufacturer,
        ["model"] = device.Model,
        ["status"] = StatusName(device.Status),
        ["kinds"] = new JsonArray([.. device.Kinds.Select(k => (JsonNode?)k)]),
        ["patientId"] = device.CurrentPatientId,
        ["deleted"] = device.IsDeleted,
        ["version"] = device.Version,
        ["record"] = JsonSerializer.SerializeToNode(device with { LastSeenAt = null }, DirectoryJson.Default.DeviceRecord),
    };

    /// <summary>The device, with <c>lastSeen</c> (kept apart so that marking a device seen does not rewrite it).</summary>
    public static DeviceRecord ToDevice(JsonObject document)
    {
        var device = document["record"].Deserialize(DirectoryJson.Default.DeviceRecord)!;
        return document["lastSeen"] is JsonValue seen ? device with { LastSeenAt = new DateTimeOffset(seen.GetValue<long>(), TimeSpan.Zero) } : device;
    }

    public static JsonObject Change(string deviceId, DeviceChange change) => new()
    {
        ["id"] = string.Create(CultureInfo.InvariantCulture, $"change:{deviceId}:{change.At.UtcTicks:D19}:{Guid.NewGuid():N}"),
        ["pk"] = DevicePartition(deviceId),
        ["type"] = ChangeType,
        ["deviceId"] = deviceId,
        ["at"] = change.At.UtcTicks,
        ["actor"] = change.Actor,
        ["action"] = change.Action,
        ["detail"] = change.Detail,
    };

    public static DeviceChange ToChange(JsonObject document) =>
        new(new DateTimeOffset((long)document["at"]!, TimeSpan.Zero), (string)document["actor"]!, (string)document["action"]!, (string?)document["detail"]);

    public static JsonObject Group(EnrollmentGroup group) => new()
    {
        ["id"] = GroupPartition(group.Id),
        ["pk"] = GroupPartition(group.Id),
        ["type"] = GroupType,
        ["groupId"] = group.Id,
        ["record"] = JsonSerializer.SerializeToNode(group, DirectoryJson.Default.EnrollmentGroup),
    };

    public static EnrollmentGroup ToGroup(JsonObject document) => document["record"].Deserialize(DirectoryJson.Default.EnrollmentGroup)!;

    /// <summary>A patient: care teams at the top (queries filter by them), the profile (<see cref="PatientProfileJson"/>) under <c>profile</c> when there is one.</summary>
    public static JsonObject Patient(PatientRecord patient)
    {
        var document = new JsonObject
        {
            ["id"] = PatientPartition(patient.Id),
            ["pk"] = PatientPartition(patient.Id),
            ["type"] = PatientType,
            ["patientId"] = patient.Id,
            ["careTeams"] = new JsonArray([.. patient.CareTeams.Select(t => (JsonNode?)t)]),
        };
        if (PatientProfileJson.Serialize(patient) is { } profile)
        {
            document["profile"] = JsonNode.Parse(profile);
        }

        return document;
    }

    /// <summary>The patient; documents written before profiles existed have none.</summary>
    public static PatientRecord ToPatient(JsonObject document) => PatientProfileJson.WithProfile(
        new((string)document["patientId"]!, [.. document["careTeams"]!.AsArray().Select(t => (string)t!)]), document["profile"]?.ToJsonString());
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeviceRecord))]
[JsonSerializable(typeof(EnrollmentGroup))]
internal sealed partial class DirectoryJson : JsonSerializerContext;
