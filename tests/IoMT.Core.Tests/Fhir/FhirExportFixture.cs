using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Fhir;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Fhir;

/// <summary>A patient, a timeline in memory, a directory and a clock: what an export needs.</summary>
internal sealed class FhirExportFixture
{
    public const string Patient = "patient-1";
    public const string Device = "oximeter-0042";

    /// <summary>Further devices bound to the patient: a CGM, a pill dispenser and a blood pressure cuff.</summary>
    public static readonly string[] OtherDevices = ["cgm-0007", "dispenser-0003", "cuff-0002"];
    public static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    public static readonly Caller Nurse = new("nurse-1", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });

    public InMemoryTimelineStore Timeline { get; } = new();

    public InMemoryPatientDirectory Patients { get; } = new(new PatientRecord(Patient, ["ward-7"]));

    /// <summary>The patient with a profile: identity, identifiers (one typed), a bed, a caregiver reachable three ways and a neighbour.</summary>
    public static PatientRecord Profiled { get; } = new(Patient, ["ward-7"])
    {
        DisplayName = "Ada Lovelace",
        BirthDate = new DateOnly(1950, 3, 14),
        Identifiers = [new PatientIdentifier("https://hospital.example/mrn", "MRN-0012") { Type = "MR" }, new PatientIdentifier("urn:oid:2.16.840.1.113883.2.1.4.1", "9434765919")],
        Location = new PatientLocation { Ward = "7", Room = "12", Bed = "B" },
        Contacts =
        [
            new PatientContact("Grace Hopper", "daughter") { Caregiver = true, Email = "grace@example.org", Sms = "+447700900123", Webhook = "https://care.example.org/hook" },
            new PatientContact("Alan Turing", "neighbour"),
        ],
    };

    public ManualClock Clock { get; } = new(T0.AddDays(1));

    /// <summary>The registry, holding <see cref="Device"/> once <see cref="RegisterDeviceAsync"/> ran.</summary>
    public InMemoryDeviceRegistry Devices { get; } = new();

    public FhirExport Export => new(Timeline, Patients, Devices, Clock);

    public Task RegisterDeviceAsync(string id = Device, params string[] kinds) => Devices.CreateAsync(
    [
        new DeviceRecord
        {
            Id = id,
            Manufacturer = "Acme Medical",
            Model = "OxiCheck 2",
            SerialNumber = "SN-0042",
            Kinds = kinds.Length == 0 ? ["spo2", "heartRate"] : kinds,
            Credentials = DeviceCredentials.NewKeys(),
            CreatedAt = T0.AddDays(-2),
            UpdatedAt = T0.AddDays(-2),
        },
    ], "admin");

    /// <summary>Runs <paramref name="messages"/> through the pipeline, as the device bound to the patient, and stores the records.</summary>
    public async Task IngestAsync(params ReceivedMessage[] messages)
    {
        var context = new InMemoryIngestionContext();
        foreach (var device in OtherDevices.Prepend(Device))
        {
            context.AddDevice(device).AddBinding(new DeviceBinding(device, Patient, T0.AddDays(-1), null));
        }

        await Timeline.AppendAsync("batch", TimelineRecords.From(new IngestionPipeline().Process(messages, context)));
    }

    public async Task<JsonObject> ExportAsync(DateTimeOffset? from = null, DateTimeOffset? to = null, Caller? caller = null)
    {
        using var output = new MemoryStream();
        await Export.WriteAsync(caller ?? Nurse, new FhirExportRequest(Patient, from ?? T0.AddHours(-1), to ?? T0.AddHours(1)), output);
        return JsonNode.Parse(output.ToArray())!.AsObject();
    }

    public static IEnumerable<JsonObject> Resources(JsonObject bundle, string type) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).Where(r => (string?)r["resourceType"] == type);

    /// <summary>The Observation whose first code is <paramref name="code"/>.</summary>
    public static JsonObject Observation(JsonObject bundle, string code) =>
        Resources(bundle, "Observation").Single(o => (string?)o["code"]!["coding"]![0]!["code"] == code);

    public static string Text(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
