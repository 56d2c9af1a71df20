using System.Text.Json;
using System.Text.Json.Serialization;

namespace IoMT.Core.Patients;

/// <summary>
/// A patient's profile as the stores keep it, one JSON object beside the care teams (which stores index apart):
/// <c>displayName</c>, <c>birthDate</c> (yyyy-MM-dd), <c>identifiers</c>, <c>location</c>, <c>contacts</c>, as the API
/// names them. A record without a profile has none, so rows and documents written before profiles existed read as such.
/// </summary>
public static class PatientProfileJson
{
    /// <summary>The profile of <paramref name="patient"/>, or null when it has none.</summary>
    public static string? Serialize(PatientRecord patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var empty = patient.DisplayName is null && patient.BirthDate is null && patient.Identifiers.Count == 0 && patient.Location is null && patient.Contacts.Count == 0;
        return empty ? null : JsonSerializer.Serialize(
            new StoredProfile(patient.DisplayName, patient.BirthDate, patient.Identifiers, patient.Location, patient.Contacts), ProfileJsonContext.Default.StoredProfile);
    }

    /// <summary><paramref name="patient"/> with the profile stored as <paramref name="json"/> (none when it is null).</summary>
    public static PatientRecord WithProfile(PatientRecord patient, string? json)
    {
        ArgumentNullException.ThrowIfNull(patient);
        if (json is null)
        {
            return patient;
        }

        var profile = JsonSerializer.Deserialize(json, ProfileJsonContext.Default.StoredProfile)!;
        return patient with
        {
            DisplayName = profile.DisplayName,
            BirthDate = profile.BirthDate,
            Identifiers = profile.Identifiers ?? [],
            Location = profile.Location,
            Contacts = profile.Contacts ?? [],
        };
    }

    internal sealed record StoredProfile(
        string? DisplayName, DateOnly? BirthDate, IReadOnlyList<PatientIdentifier>? Identifiers, PatientLocation? Location, IReadOnlyList<PatientContact>? Contacts);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(PatientProfileJson.StoredProfile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
