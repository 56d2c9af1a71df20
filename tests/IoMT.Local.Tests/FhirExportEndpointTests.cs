using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

public sealed class FhirExportEndpointTests : IDisposable
{
    private const string Range = "from=2026-11-21T08:00:00Z&to=2026-11-21T09:00:00Z";
    private readonly LocalHostFactory _factory = new();
    private readonly HttpClient _client;

    public FhirExportEndpointTests()
    {
        _client = _factory.CreateClient();
    }

    [Theory]
    [InlineData("/api/patients/patient-1/fhir")]
    public async Task Get_AdminToken_BundleOfThePatientsReadings(string path)
    {
        await SeedAsync();

        using var response = await GetAsync($"{path}?{Range}", AdminToken());
        var bundle = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("collection", (string?)bundle["type"]);
        var observations = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Where(r => (string?)r["resourceType"] == "Observation");
        Assert.Contains(observations, o => (string?)o["code"]!["coding"]![0]!["code"] == "8867-4" && (double)o["valueQuantity"]!["value"]! == 72);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("iomt_not-a-real-token")]
    public async Task Get_NoOrUnknownToken_401ProblemWithBearerChallenge(string? token)
    {
        using var response = await GetAsync($"/api/patients/patient-1/fhir?{Range}", token);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("auth.unauthenticated", (string?)problem["code"]);
    }

    [Fact]
    public async Task Get_NurseOfAnotherCareTeam_404AsIfThePatientDidNotExist()
    {
        await SeedAsync();
        var token = await TokenForAsync(new LocalUser("nurse-9", [Role.Nurse], ["ward-9"]));

        using var response = await GetAsync($"/api/patients/patient-1/fhir?{Range}", token);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("patient.not-found", (string?)problem["code"]);
        Assert.Empty(Timeline.All(r => r.Type == TimelineEntryType.Audit));
    }

    [Fact]
    public async Task Get_NurseOfTheCareTeam_200AndAudited()
    {
        await SeedAsync();
        var token = await TokenForAsync(new LocalUser("nurse-7", [Role.Nurse], ["ward-7"]));

        using var response = await GetAsync($"/api/patients/patient-1/fhir?{Range}", token);
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = Assert.Single(Timeline.All(r => r.Type == TimelineEntryType.Audit));
        Assert.Equal("nurse-7", TimelineJson.Deserialize<AuditEntry>(audit.Data).Actor);
    }

    [Theory]
    [InlineData("from=2026-11-21T08:00:00&to=2026-11-21T09:00:00Z", "from")]
    [InlineData("from=2026-11-21T10:00:00Z&to=2026-11-21T09:00:00Z", "from")]
    [InlineData("to=tomorrow", "to")]
    public async Task Get_BadRange_400NamingTheParameter(string query, string field)
    {
        await SeedAsync();

        using var response = await GetAsync($"/api/patients/patient-1/fhir?{query}", AdminToken());
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("request.parameter-invalid", field), ((string?)problem["code"], (string?)problem["field"]));
    }

    [Fact]
    public async Task FirstStart_AdminTokenFileReadableByTheOwnerOnly_AndKeptOnRestart()
    {
        var path = Path.Combine(_factory.DataDirectory, "admin.token");
        var token = AdminToken();

        using var restarted = new LocalHostFactory { ReuseDataDirectory = _factory.DataDirectory };
        using var client = restarted.CreateClient();

        Assert.Equal(token, File.ReadAllText(path).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private InMemoryView Timeline => new(_factory.Services.GetRequiredService<ITimelineStore>());

    private string AdminToken() => File.ReadAllText(Path.Combine(_factory.DataDirectory, "admin.token")).Trim();

    private async Task<string> TokenForAsync(LocalUser user)
    {
        var directory = _factory.Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveUserAsync(user);
        return await directory.IssueTokenAsync(user.Id, "test", DateTimeOffset.UtcNow);
    }

    private async Task SeedAsync()
    {
        await _factory.Services.GetRequiredService<SqliteDirectory>().SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
        var context = new InMemoryIngestionContext().AddDevice("oximeter-0042")
            .AddBinding(new Core.Devices.DeviceBinding("oximeter-0042", "patient-1", TelemetryMessage.DefaultTime.AddDays(-1), null));
        var result = new IngestionPipeline().Process([new TelemetryMessage().HeartRate(72).Spo2(97).Received()], context);
        await _factory.Services.GetRequiredService<ITimelineStore>().AppendAsync("0:1", TimelineRecords.From(result));
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _client.SendAsync(request);
    }

    /// <summary>Reads a patient's whole timeline back for assertions.</summary>
    private sealed class InMemoryView(ITimelineStore store)
    {
        public IReadOnlyList<TimelineRecord> All(Func<TimelineRecord, bool> predicate) =>
            [.. store.QueryAsync(new TimelineQuery("patient-1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, PageSize: 1000)).Result.Items.Where(predicate)];
    }
}
