using System.Text.Json;
using IoMT.Core.Pipeline;

namespace IoMT.Core.Tests.Validation;

/// <summary>Realistic payloads in Fixtures/telemetry with their expected outcome in cases.json.</summary>
public class TelemetryFixtureTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "telemetry");

    public static TheoryData<string> Files => [.. Manifest.Load().Cases.Select(c => c.File)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Process_Fixture_GivesExpectedStatusCountsCodesAndPointers(string file)
    {
        var manifest = Manifest.Load();
        var expected = manifest.Cases.Single(c => c.File == file);
        var message = new ReceivedMessage(File.ReadAllBytes(Path.Combine(FixtureDirectory, file)), manifest.AuthenticatedDeviceId, manifest.ReceivedAt, "0:1");

        var result = new IngestionPipeline().Process([message], InMemoryIngestionContext.ValidationOnly());

        var outcome = Assert.Single(result.Outcomes);
        Assert.Equal(expected.Status, outcome.Status.ToString().ToLowerInvariant());
        Assert.Equal(expected.Accepted, outcome.Accepted);
        Assert.Equal(
            expected.Rejected.Select(r => (r.Index, r.Code, r.Pointer)),
            outcome.Rejected.Select(r => (r.Index, r.Error.Code, r.Error.Pointer)));
        Assert.All(outcome.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Error.Message)));
        Assert.Equal(outcome.Rejected.Count, result.Quarantine.Count);
    }

    internal sealed record Manifest(DateTimeOffset ReceivedAt, string AuthenticatedDeviceId, IReadOnlyList<Case> Cases)
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        public static Manifest Load() => JsonSerializer.Deserialize<Manifest>(File.ReadAllText(Path.Combine(FixtureDirectory, "cases.json")), Json)!;
    }

    internal sealed record Case(string File, string Status, int Accepted, IReadOnlyList<ExpectedRejection> Rejected);

    internal sealed record ExpectedRejection(int Index, string Code, string Pointer);
}
