using IoMT.Core.Timeline;

namespace IoMT.Core.Fhir;

/// <summary>
/// Resource ids and bundle references. Our ids may hold characters FHIR ids forbid ('_', ':'), so every resource gets a
/// name-based UUID (RFC 9562 version 8, from SHA-256 of its type and our id): exporting the same entry twice gives the
/// same resource id, and a server importing both keeps one. Our own ids travel in <c>identifier</c>.
/// </summary>
public static class FhirIds
{
    public const string PatientIdSystem = "urn:iomt-cloud:patient-id";
    public const string DeviceIdSystem = "urn:iomt-cloud:device-id";
    public const string TimelineEntrySystem = "urn:iomt-cloud:timeline-entry-id";
    public const string AlertIdSystem = "urn:iomt-cloud:alert-id";

    public static string Uuid(string resourceType, string id)
    {
        var hex = DeterministicId.Create("", "fhir", resourceType, id).ToCharArray();
        hex[12] = '8';
        hex[16] = "89ab"[Convert.ToInt32(hex[16].ToString(), 16) & 0x3];
        var s = new string(hex);
        return $"{s[..8]}-{s[8..12]}-{s[12..16]}-{s[16..20]}-{s[20..]}";
    }

    public static string FullUrl(string uuid) => "urn:uuid:" + uuid;

    public static FhirReference Patient(string patientId) =>
        new(FullUrl(Uuid("Patient", patientId)), new FhirIdentifier(PatientIdSystem, patientId));

    /// <summary>The Observation of a timeline entry in the bundle.</summary>
    public static FhirReference Observation(string entryId) => new(FullUrl(Uuid("Observation", entryId)));

    /// <summary>The Observation of a timeline entry outside the bundle, by its identifier.</summary>
    public static FhirReference ObservationOutside(string entryId) => new(null, new FhirIdentifier(TimelineEntrySystem, entryId)) { Type = "Observation" };

    public static FhirReference Device(string deviceId) =>
        new(FullUrl(Uuid("Device", deviceId)), new FhirIdentifier(DeviceIdSystem, deviceId));
}
