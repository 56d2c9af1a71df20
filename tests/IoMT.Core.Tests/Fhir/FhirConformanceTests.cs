using System.Text.Json.Nodes;
using IoMT.Core.Pipeline;
using IoMT.Testing;
using static IoMT.Core.Tests.Fhir.FhirExportFixture;

namespace IoMT.Core.Tests.Fhir;

/// <summary>Exported bundles against the official HL7 validator (core and vital-signs profiles) and the CGM IG's constraints.</summary>
public class FhirConformanceTests
{
    [Fact]
    public async Task Export_AllKinds_NoValidatorIssues()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new ReceivedMessage(TestFixtures.Read("telemetry", "all-kinds.json"), Device, T0.AddSeconds(10), "0:1"));

        AssertConforms(await fixture.ExportAsync());
    }

    [Fact]
    public void Validator_VitalSignInTheWrongUnit_Error()
    {
        var observation = JsonNode.Parse("""
            {"resourceType":"Observation","id":"hr","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/heartrate"]},"status":"final",
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"urn:uuid:0b2f1c2e-0000-8000-8000-000000000001"},
             "effectiveDateTime":"2026-11-21T08:30:00Z","valueQuantity":{"value":72,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
            """)!.AsObject();

        Assert.Contains(FhirValidator.Issues(observation), i => i.StartsWith("Error", StringComparison.Ordinal) && i.Contains("valueQuantity", StringComparison.Ordinal));
    }

    [Fact]
    public void CgmConstraints_ReadingInMmolWithoutTime_Violations()
    {
        var observation = JsonNode.Parse("""
            {"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"99504-3"}]},"subject":{"reference":"urn:uuid:x"},
             "valueQuantity":{"value":6.7,"unit":"mmol/l","system":"http://unitsofmeasure.org","code":"mmol/L"}}
            """)!.AsObject();

        Assert.Equal(["effectiveDateTime: 1..1", "valueQuantity: pattern: UCUM mg/dL, unit mg/dl"], CgmConstraints.Violations(observation));
    }

    /// <summary>No error or warning from the validator; every Observation claiming the CGM profile keeps its constraints.</summary>
    internal static void AssertConforms(JsonObject bundle)
    {
        var issues = FhirValidator.Issues(bundle).ToList();
        foreach (var cgm in Resources(bundle, "Observation").Where(o => o["meta"]?["profile"]?.AsArray().Any(p => (string?)p == CgmConstraints.SensorReadingMass) == true))
        {
            issues.AddRange(CgmConstraints.Violations(cgm).Select(v => $"CGM {cgm["id"]}: {v}"));
        }

        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }
}
