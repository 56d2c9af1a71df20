using IoMT.Core.Telemetry;

namespace IoMT.Core.Mapping;

/// <summary>What a template's readings become: one of our reading kinds, the unit its values are in, and (glucose) the method.</summary>
public sealed record MappedType(ReadingKind Kind, string? Unit, string? Method = null)
{
    /// <summary>The reading members this kind needs from the template's values (after a single value is named <c>value</c>).</summary>
    public IReadOnlyList<string> RequiredMembers => Kind switch
    {
        ReadingKind.BloodPressure => ["systolic", "diastolic"],
        ReadingKind.InhalerActuation => ["medicationId", "puffs"],
        ReadingKind.DoseEvent => ["medicationId", "event"],
        _ => ["value"],
    };
}

/// <summary>
/// The documented table (docs/mappings.md) from a template's <c>typeName</c> to a reading kind and unit, so mapped
/// readings get codes, validation, enrichment, alerts and FHIR export like native ones. Names compare without case,
/// spaces, hyphens and underscores (<c>HeartRate</c>, <c>heart_rate</c> and <c>heartrate</c> are one name). A template
/// may name its kind and unit itself (<c>kind</c>, <c>unit</c>: our extension), which wins over the table.
/// </summary>
public static class MappedTypes
{
    private static readonly (string[] Names, MappedType Type)[] Table =
    [
        (["heartrate", "hr", "pulse", "pulserate"], new(ReadingKind.HeartRate, Ucum.PerMinute)),
        (["respiratoryrate", "respirationrate", "rr"], new(ReadingKind.RespiratoryRate, Ucum.PerMinute)),
        (["spo2", "oxygensaturation", "bloodoxygen", "o2saturation"], new(ReadingKind.Spo2, Ucum.Percent)),
        (["bodytemperature", "temperature", "temp"], new(ReadingKind.BodyTemperature, Ucum.Celsius)),
        (["bloodpressure", "bp"], new(ReadingKind.BloodPressure, Ucum.MillimetreOfMercury)),
        (["glucose", "cgm", "interstitialglucose", "sensorglucose"], new(ReadingKind.Glucose, Ucum.MilligramsPerDecilitre, "cgm")),
        (["bloodglucose", "glucometer", "capillaryglucose"], new(ReadingKind.Glucose, Ucum.MilligramsPerDecilitre, "meter")),
        (["bodyweight", "weight"], new(ReadingKind.Weight, Ucum.Kilogram)),
        (["steps", "stepcount"], new(ReadingKind.Steps, Ucum.Steps)),
        (["battery", "batterylevel"], new(ReadingKind.Battery, Ucum.Percent)),
        (["ecgrhythm", "rhythm"], new(ReadingKind.EcgRhythm, null)),
        (["storagetemperature", "fridgetemperature"], new(ReadingKind.StorageTemperature, Ucum.Celsius)),
    ];

    private static readonly Dictionary<string, MappedType> ByName = Table
        .SelectMany(row => row.Names.Select(name => (name, row.Type)))
        .ToDictionary(pair => pair.name, pair => pair.Type, StringComparer.Ordinal);

    /// <summary>Every type name in the table with what it maps to, for documentation and error messages.</summary>
    public static IEnumerable<(string TypeName, MappedType Type)> All => Table.SelectMany(row => row.Names.Select(name => (name, row.Type)));

    public static MappedType? Find(string typeName) => ByName.GetValueOrDefault(Normalize(typeName));

    /// <summary>A template's own <c>kind</c> (a contract name) with an optional <c>unit</c>; null when the kind is unknown.</summary>
    public static MappedType? ForKind(string kind, string? unit)
    {
        if (!ReadingKinds.TryParse(kind, out var readingKind))
        {
            return null;
        }

        var info = ReadingKinds.Get(readingKind);
        return new MappedType(readingKind, unit ?? (info.CanonicalUnit.Length > 0 ? info.CanonicalUnit : null));
    }

    private static string Normalize(string name) =>
        string.Concat(name.Where(c => c is not (' ' or '-' or '_')).Select(char.ToLowerInvariant));
}
