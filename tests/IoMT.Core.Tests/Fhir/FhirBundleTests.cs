using System.Text.Json.Nodes;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Testing;
using static IoMT.Core.Tests.Fhir.FhirExportFixture;

namespace IoMT.Core.Tests.Fhir;

public class FhirBundleTests
{
    [Fact]
    public async Task Export_Bundle_CollectionWithTimestampAndResolvableEntries()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new ReceivedMessage(TestFixtures.Read("telemetry", "all-kinds.json"), Device, T0.AddSeconds(10), "0:1"));

        var bundle = await fixture.ExportAsync();

        Assert.Equal(("Bundle", "collection", "2026-11-22T08:30:00Z"), ((string?)bundle["resourceType"], (string?)bundle["type"], (string?)bundle["timestamp"]));
        var entries = bundle["entry"]!.AsArray();
        var fullUrls = entries.Select(e => (string)e!["fullUrl"]!).ToList();
        Assert.Equal(fullUrls.Count, fullUrls.Distinct().Count());
        Assert.All(entries, e => Assert.Equal("urn:uuid:" + (string?)e!["resource"]!["id"], (string?)e["fullUrl"]));
        Assert.All(entries, e => Assert.Equal("resourceType", e!["resource"]!.AsObject().First().Key));
        Assert.All(References(bundle), reference => Assert.Contains(reference, fullUrls));
        Assert.Equal(
            new Dictionary<string, int> { ["Patient"] = 1, ["Observation"] = 16, ["MedicationAdministration"] = 2, ["Device"] = 1 },
            entries.GroupBy(e => (string)e!["resource"]!["resourceType"]!).ToDictionary(g => g.Key, g => g.Count()));
    }

    [Fact]
    public async Task Export_SameTimelineTwice_SameBundle()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).HeartRate(80).Spo2(95).Received());

        Assert.Equal(Text(await fixture.ExportAsync()), Text(await fixture.ExportAsync()));
    }

    [Fact]
    public async Task Export_MoreReadingsThanAPage_EveryReadingOnce()
    {
        var fixture = new FhirExportFixture();
        var messages = Enumerable.Range(0, 2500).Select(i => new TelemetryMessage(Device, $"m-{i}").HeartRate(60 + (i % 40), T0.AddSeconds(i)).Received(T0.AddSeconds(i + 5), $"0:{i}"));
        await fixture.IngestAsync([.. messages]);

        var bundle = await fixture.ExportAsync(T0, T0.AddHours(1));

        var times = Resources(bundle, "Observation").Where(o => (string?)o["code"]!["coding"]![0]!["code"] == "8867-4").Select(o => (string?)o["effectiveDateTime"]).ToList();
        Assert.Equal(2500, times.Count);
        Assert.Equal(2500, times.Distinct().Count());
    }

    [Fact]
    public async Task Export_Range_IncludesFromExcludesTo()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(
            new TelemetryMessage(Device, "before").HeartRate(61, T0.AddTicks(-1)).Received(sourcePosition: "0:1"),
            new TelemetryMessage(Device, "at-from").HeartRate(62, T0).Received(sourcePosition: "0:2"),
            new TelemetryMessage(Device, "at-to").HeartRate(63, T0.AddMinutes(1)).Received(sourcePosition: "0:3"));

        var bundle = await fixture.ExportAsync(T0, T0.AddMinutes(1));

        Assert.Equal([62.0], Resources(bundle, "Observation").Where(o => o["valueQuantity"] is not null).Select(o => (double)o["valueQuantity"]!["value"]!));
    }

    [Fact]
    public async Task Export_QuarantinedReadings_NotExported()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new TelemetryMessage(Device).Spo2(140).HeartRate(70).Received());

        var bundle = await fixture.ExportAsync();

        Assert.Contains(fixture.Timeline.All, r => r.Type == TimelineEntryType.Quarantine);
        Assert.Equal(["8867-4"], Resources(bundle, "Observation").Select(o => (string?)o["code"]!["coding"]![0]!["code"]).Where(c => c != "1104051000000101"));
    }

    [SchemaValidatorFact]
    public async Task Export_EveryKindDoseAndAlert_ValidFhirR4()
    {
        var fixture = new FhirExportFixture();
        await fixture.IngestAsync(new ReceivedMessage(TestFixtures.Read("telemetry", "all-kinds.json"), Device, T0.AddSeconds(10), "0:1"));
        await fixture.IngestAsync(new TelemetryMessage(Device).Temperature(39.6).BloodPressure(182, 95).Add(new JsonObject
        {
            ["kind"] = "doseEvent",
            ["medicationId"] = "metformin-500mg",
            ["event"] = "missed",
            ["at"] = TelemetryMessage.Iso(T0),
        }).Received());
        var raised = FhirResourcesTests.Raised(T0.AddMinutes(5));
        await fixture.Timeline.AppendAsync("b", [TimelineRecords.From(raised), TimelineRecords.From(FhirResourcesTests.Cleared(raised, T0.AddMinutes(9)))]);
        var bundle = await fixture.ExportAsync();
        var path = Path.Combine(Path.GetTempPath(), $"iomt-fhir-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, bundle.ToJsonString());

        try
        {
            var result = Assert.Single(await SchemaValidator.ValidateFhirAsync([path]));

            Assert.True(result.Valid, string.Join("\n", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
            Assert.True(Resources(bundle, "Flag").Count() >= 2, "the export should hold pipeline alerts and the episode added above");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SchemaValidatorFact]
    public async Task Export_RealisticDay_ValidFhirR4()
    {
        var bundle = await FhirConformanceTests.RealisticDayAsync();
        var path = Path.Combine(Path.GetTempPath(), $"iomt-fhir-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, bundle.ToJsonString());

        try
        {
            var result = Assert.Single(await SchemaValidator.ValidateFhirAsync([path]));

            Assert.True(result.Valid, string.Join("\n", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [SchemaValidatorFact]
    public async Task ValidateFhir_BrokenResource_Rejected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"iomt-fhir-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"resourceType":"Observation","id":"x","code":{"text":"t"},"effectiveDateTime":"2026-13-01T00:00:00Z","unexpected":1}""");

        try
        {
            var result = Assert.Single(await SchemaValidator.ValidateFhirAsync([path]));

            Assert.False(result.Valid);
            Assert.Equal(3, result.Errors.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "reference" ? [(string)p.Value!] : References(p.Value)),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };
}
