using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
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

    /// <summary>
    /// A day of a monitored patient with a profile (identity, identifiers, contacts): vitals with a complete and an incomplete NEWS2, CGM readings, doses taken, missed and
    /// released, alerts of every kind (vital sign, NEWS2, battery low, device silent, adherence) with their escalation, and
    /// four registered devices.
    /// </summary>
    [Fact]
    public async Task Export_RealisticDay_NoValidatorIssues()
    {
        var bundle = await RealisticDayAsync();

        var counts = AllResources(bundle).GroupBy(r => (string)r["resourceType"]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((4, 1, 3, 3), (counts["Device"], counts["MedicationDispense"], counts["Communication"], Resources(bundle, "Observation").Count(IsCgm)));
        Assert.Equal(2, counts["RelatedPerson"]);
        Assert.Equal("Ada Lovelace", (string?)Resources(bundle, "Patient").Single()["name"]![0]!["text"]);
        Assert.Equal(["admin", "clinical", "drug"], Resources(bundle, "Flag").Select(f => (string)f["category"]![0]!["coding"]![0]!["code"]!).Distinct().Order());
        Assert.Contains(Resources(bundle, "Flag"), f => ((string)f["code"]!["coding"]![0]!["code"]!).StartsWith("device-silent.", StringComparison.Ordinal));
        Assert.Contains(Resources(bundle, "Flag"), f => (string?)f["code"]!["coding"]![0]!["code"] == "battery-low");
        Assert.Contains(Resources(bundle, "Observation"), o => (string?)o["status"] == "preliminary");
        Assert.Equal(["completed", "completed", "not-done", "not-done"], Resources(bundle, "MedicationAdministration")
            .Where(a => (string?)a["medicationCodeableConcept"]!["text"] == "metformin-500mg").Select(a => (string)a["status"]!).Order());
        AssertConforms(bundle);
    }

    internal static async Task<JsonObject> RealisticDayAsync()
    {
        var fixture = new FhirExportFixture();
        await fixture.Patients.SaveAsync(Profiled);
        await fixture.RegisterDeviceAsync();
        await fixture.RegisterDeviceAsync("cgm-0007", "glucose");
        await fixture.RegisterDeviceAsync("dispenser-0003", "doseEvent");
        await fixture.RegisterDeviceAsync("cuff-0002", "bloodPressure", "heartRate");
        await fixture.IngestAsync(
            new TelemetryMessage("cuff-0002", "bp-only").BloodPressure(95, 60, T0.AddMinutes(-20)).Received(sourcePosition: "0:1"),
            new ReceivedMessage(TestFixtures.Read("telemetry", "all-kinds.json"), Device, T0.AddSeconds(10), "0:2"),
            new TelemetryMessage(Device, "deteriorating").Spo2(88, T0.AddMinutes(10)).HeartRate(125, T0.AddMinutes(10)).RespiratoryRate(26, T0.AddMinutes(10))
                .Temperature(38.6, T0.AddMinutes(10)).Quantity("battery", 8, "%", T0.AddMinutes(10)).Received(T0.AddMinutes(10), "0:3"),
            new TelemetryMessage("cgm-0007", "cgm-1").Glucose(65, T0.AddMinutes(5)).Glucose(58, T0.AddMinutes(10)).Received(T0.AddMinutes(10), "0:4"),
            new TelemetryMessage("dispenser-0003", "doses").Add(FhirResourcesTests.DoseEvent("dispensed", T0.AddMinutes(-29), T0.AddMinutes(-30)))
                .Add(FhirResourcesTests.DoseEvent("taken", T0.AddMinutes(-25), T0.AddMinutes(-30)))
                .Add(FhirResourcesTests.DoseEvent("missed", T0.AddMinutes(20), T0.AddMinutes(-10))).Received(T0.AddMinutes(20), "0:5"));
        var silence = DeviceSilence.Check([WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromMinutes(5), Patient, "cuff-0002") with { LastSeenAt = T0.AddMinutes(-20) }], [], T0.AddMinutes(15));
        var overuse = new AlertRaised("al-overuse", "patient-1|rescue-overuse", Patient, "rescue-overuse", "Rescue inhaler overuse", AlertPriority.Medium,
            AlertCategory.Adherence, AlertDirection.High, T0.AddMinutes(30), T0.AddMinutes(30), 12, null, "{puff}", "");
        var spo2 = FhirResourcesTests.Raised(T0.AddMinutes(11));
        await fixture.Timeline.AppendAsync("workflows",
        [
            .. silence.OfType<AlertRaised>().Select(TimelineRecords.From), TimelineRecords.From(overuse), TimelineRecords.From(spo2),
            .. FhirResourcesTests.Escalation(spo2, T0.AddMinutes(11)),
            FhirResourcesTests.DoseRecord(T0.AddMinutes(-10), DoseStatus.Missed), FhirResourcesTests.DoseRecord(T0.AddHours(-12), DoseStatus.Missed),
        ]);

        return await fixture.ExportAsync(T0.AddHours(-13), T0.AddHours(1));
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
    public void Validator_BundleEntryWithAStatusOutsideItsRequiredBinding_Error()
    {
        var bundle = JsonNode.Parse("""
            {"resourceType":"Bundle","id":"b","type":"collection","entry":[{"fullUrl":"urn:uuid:0b2f1c2e-0000-8000-8000-000000000002",
             "resource":{"resourceType":"Communication","id":"0b2f1c2e-0000-8000-8000-000000000002","status":"delivered"}}]}
            """)!.AsObject();

        Assert.Contains(FhirValidator.Issues(bundle), i => i.StartsWith("Error", StringComparison.Ordinal) && i.Contains("delivered", StringComparison.Ordinal));
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

    /// <summary>
    /// No error or warning from the validator; every Observation claiming the CGM profile keeps its constraints; every
    /// reference resolves: in the bundle, to a contained resource, or (outside the bundle) names its type and identifier.
    /// </summary>
    internal static void AssertConforms(JsonObject bundle)
    {
        var issues = FhirValidator.Issues(bundle).ToList();
        foreach (var cgm in Resources(bundle, "Observation").Where(IsCgm))
        {
            issues.AddRange(CgmConstraints.Violations(cgm).Select(v => $"CGM {cgm["id"]}: {v}"));
        }

        var fullUrls = bundle["entry"]!.AsArray().Select(e => (string?)e!["fullUrl"]).ToHashSet();
        foreach (var resource in AllResources(bundle))
        {
            var contained = resource["contained"]?.AsArray().Select(c => "#" + (string?)c!["id"]).ToHashSet() ?? [];
            issues.AddRange(References(resource)
                .Where(r => r["reference"] is { } target ? !fullUrls.Contains((string?)target) && !contained.Contains((string)target!) : r["type"] is null || r["identifier"] is null)
                .Select(r => $"Unresolved reference in {resource["resourceType"]} {resource["id"]}: {r.ToJsonString()}"));
        }

        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    private static bool IsCgm(JsonObject observation) =>
        observation["meta"]?["profile"]?.AsArray().Any(p => (string?)p == CgmConstraints.SensorReadingMass) == true;

    private static IEnumerable<JsonObject> AllResources(JsonObject bundle) => bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject());

    /// <summary>Every Reference in <paramref name="node"/>: an object with a reference, or with a type and an identifier.</summary>
    private static IEnumerable<JsonObject> References(JsonNode? node) => node switch
    {
        JsonObject o when o["reference"] is not null || (o["identifier"] is JsonObject && o["type"] is JsonValue) => [o],
        JsonObject o => o.Where(p => p.Key != "contained").SelectMany(p => References(p.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };
}
