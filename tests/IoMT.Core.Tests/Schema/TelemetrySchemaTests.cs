using System.Text.Json.Nodes;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Testing;

namespace IoMT.Core.Tests.Schema;

/// <summary>The published JSON Schema, its examples and the service agree.</summary>
public class TelemetrySchemaTests
{
    private static readonly string SchemaPath = RepositoryPaths.Combine("docs", "schemas", "telemetry-v1.json");
    private static readonly string ExamplesDirectory = RepositoryPaths.Combine("docs", "examples", "telemetry");
    private static readonly string FixturesDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "telemetry");

    private static JsonObject Schema => JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();

    [Fact]
    public void Examples_OnePerKind()
    {
        var examples = Directory.GetFiles(ExamplesDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToList();

        Assert.Equal(ReadingKinds.Catalog.Select(k => k.ContractName).Order(), examples);
    }

    [Fact]
    public void Examples_AcceptedByTheServiceInFull()
    {
        foreach (var file in Directory.GetFiles(ExamplesDirectory, "*.json"))
        {
            var body = File.ReadAllBytes(file);
            var json = JsonNode.Parse(body)!;
            var receivedAt = DateTimeOffset.Parse((string)json["sentAt"]!, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(2);

            var result = new IngestionPipeline().Process([new ReceivedMessage(body, (string)json["deviceId"]!, receivedAt, "0:0")], InMemoryIngestionContext.ValidationOnly());

            var outcome = Assert.Single(result.Outcomes);
            Assert.True(outcome.Status == MessageStatus.Accepted, $"{Path.GetFileName(file)}: {string.Join("; ", outcome.Rejected.Select(r => r.Error.Message))}");
            Assert.Equal(json["readings"]!.AsArray().Count, outcome.Accepted);
        }
    }

    [Fact]
    public void Schema_ListsEveryKindWithItsAcceptedUnits()
    {
        var defs = Schema["$defs"]!.AsObject();
        var kinds = defs["reading"]!["properties"]!["kind"]!["enum"]!.AsArray().Select(k => (string)k!).ToList();

        Assert.Equal(ReadingKinds.Catalog.Select(k => k.ContractName), kinds);
        foreach (var info in ReadingKinds.Catalog.Where(k => k.Units.Count > 0))
        {
            var unit = defs[info.ContractName]!["properties"]!["unit"]!;
            var listed = unit["enum"] is JsonArray values ? values.Select(v => (string)v!).ToList() : [(string)unit["const"]!];
            Assert.Equal(info.Units.Select(u => u.Ucum), listed);
        }
    }

    [Fact]
    public void Schema_CanonicalRangesMatchTheService()
    {
        var defs = Schema["$defs"]!.AsObject();
        foreach (var info in ReadingKinds.Catalog.Where(k => k.Range is not null))
        {
            var value = defs[info.ContractName]!["then"]!["properties"]!["value"]!;
            Assert.Equal((info.Range!.Value.Min, info.Range.Value.Max), ((double)value["minimum"]!, (double)value["maximum"]!));
        }
    }

    [SchemaValidatorFact]
    public async Task Schema_ValidatesEveryExampleAndValidFixture()
    {
        var files = Directory.GetFiles(ExamplesDirectory, "*.json")
            .Concat(new[] { "valid-vitals.json", "all-kinds.json" }.Select(f => Path.Combine(FixturesDirectory, f)));

        var results = await SchemaValidator.ValidateAsync(SchemaPath, files);

        Assert.All(results, r => Assert.True(r.Valid, $"{r.File}: {string.Join("; ", r.Errors.Select(e => $"{e.Path} {e.Message}"))}"));
    }

    [SchemaValidatorFact]
    public async Task Schema_RejectsWhatTheServiceRejectsForSchemaReasons()
    {
        string[] invalid =
        [
            "mixed-valid-and-invalid.json", "all-readings-invalid.json", "not-an-object.json", "missing-message-id.json",
            "readings-not-array.json", "unsupported-schema-version.json", "sent-at-without-offset.json",
        ];

        var results = await SchemaValidator.ValidateAsync(SchemaPath, invalid.Select(f => Path.Combine(FixturesDirectory, f)));

        Assert.All(results, r => Assert.False(r.Valid, r.File));
    }
}
