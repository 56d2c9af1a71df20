using System.Text.Json.Nodes;

namespace IoMT.Core.Tests.Fhir;

/// <summary>
/// The HL7 CGM IG (1.0.0) profile <c>cgm-sensor-reading-mass-per-volume</c>, which the R4 specification package does
/// not hold, as checks: an Observation of <c>subject</c> 1..1, <c>code</c> with LOINC 99504-3, <c>effectiveDateTime</c>
/// 1..1, and a <c>valueQuantity</c> 1..1 (no other value[x]) matching the pattern UCUM <c>mg/dL</c>, unit "mg/dl".
/// </summary>
internal static class CgmConstraints
{
    public const string ProfileBase = "http://hl7.org/fhir/uv/cgm/StructureDefinition/";
    public const string SensorReadingMass = ProfileBase + "cgm-sensor-reading-mass-per-volume";

    /// <summary>The constraints <paramref name="observation"/> breaks, as "element: what is wrong".</summary>
    public static IReadOnlyList<string> Violations(JsonObject observation)
    {
        var violations = new List<string>();
        void Require(bool holds, string element, string rule)
        {
            if (!holds)
            {
                violations.Add($"{element}: {rule}");
            }
        }

        Require((string?)observation["resourceType"] == "Observation", "resourceType", "must be Observation");
        Require(observation["subject"]?["reference"] is not null, "subject", "1..1");
        Require(observation["code"]?["coding"]?.AsArray().Any(c => (string?)c!["system"] == "http://loinc.org" && (string?)c["code"] == "99504-3") == true,
            "code", "must hold LOINC 99504-3");
        Require(observation["effectiveDateTime"] is not null, "effectiveDateTime", "1..1");
        var value = observation["valueQuantity"];
        Require(value?["value"] is not null, "valueQuantity", "1..1 with a value");
        Require((string?)value?["system"] == "http://unitsofmeasure.org" && (string?)value?["code"] == "mg/dL" && (string?)value?["unit"] == "mg/dl",
            "valueQuantity", "pattern: UCUM mg/dL, unit mg/dl");
        Require(!observation.Any(p => p.Key.StartsWith("value", StringComparison.Ordinal) && p.Key != "valueQuantity"), "value[x]", "only Quantity");
        return violations;
    }
}
