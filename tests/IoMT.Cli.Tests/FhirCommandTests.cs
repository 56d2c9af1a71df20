using System.Net;
using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Local.Tests;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Cli.Tests;

/// <summary><c>iomt fhir export</c> against the real local host, in process.</summary>
public sealed class FhirCommandTests : IDisposable
{
    private readonly LocalHostFactory _host = new();
    private readonly TempDirectory _files = new();
    private readonly HttpMessageHandler _http;

    public FhirCommandTests()
    {
        _http = _host.Server.CreateHandler();
    }

    [Fact]
    public async Task Export_ToFile_WholeBundleOwnerOnlyAndSummary()
    {
        await SeedAsync();
        var file = Path.Combine(_files.Path, "patient-1.json");

        var (exitCode, output, error) = await RunAsync(AdminToken(), "fhir", "export", "--patient", "patient-1",
            "--from", "2026-11-21T08:00:00Z", "--to", "2026-11-21T09:00:00+00:00", "--out", file);

        Assert.True(exitCode == 0, error);
        var bundle = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal("collection", (string?)bundle["type"]);
        Assert.Equal($"Wrote 6 resources to {file} (Observation 4, Device 1, Patient 1).", output.Trim());
        Assert.Equal([file], Directory.GetFiles(_files.Path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Export_NoOut_BundleOnStandardOutputAndTokenFromTheEnvironment()
    {
        await SeedAsync();
        var variables = new Dictionary<string, string?> { ["IOMT_TOKEN"] = AdminToken() };

        var (exitCode, output, _) = await RunAsync(variables.GetValueOrDefault, "fhir", "export", "--patient", "patient-1",
            "--from", "2026-11-21T09:00:00+01:00", "--to", "2026-11-21T09:00:00Z");

        Assert.Equal(0, exitCode);
        Assert.Equal("Bundle", (string?)JsonNode.Parse(output)!["resourceType"]);
    }

    [Fact]
    public async Task Export_PatientOfAnotherCareTeam_Exit1WithTheApisCodeAndNoFile()
    {
        await SeedAsync();
        var directory = _host.Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveUserAsync(new LocalUser("nurse-9", [Core.Access.Role.Nurse], ["ward-9"]));
        var token = await directory.IssueTokenAsync("nurse-9", "test", DateTimeOffset.UtcNow);
        var file = Path.Combine(_files.Path, "out.json");

        var (exitCode, _, error) = await RunAsync(token, "fhir", "export", "--patient", "patient-1", "--out", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("(404 patient.not-found)", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_files.Path));
    }

    [Theory]
    [InlineData("fhir", "export", "--patient", "patient-1", "--from", "yesterday")]
    [InlineData("fhir", "export", "--patient", "../../etc/passwd")]
    [InlineData("fhir", "export")]
    public async Task Export_BadArguments_UsageError(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync("iomt_token", args);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Export_NoToken_UsageErrorNamingTheVariable()
    {
        var (exitCode, _, error) = await RunAsync(_ => null, "fhir", "export", "--patient", "patient-1");

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("IOMT_TOKEN", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ConnectionCutMidBundle_Exit1AndNoFile()
    {
        using var truncated = new StubHandler(new(HttpStatusCode.OK, """{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"""));
        var file = Path.Combine(_files.Path, "out.json");

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(["fhir", "export", "--patient", "patient-1", "--token", "t", "--out", file], new CliEnvironment(TextReader.Null, output, error, truncated));

        Assert.Equal(1, exitCode);
        Assert.Empty(Directory.GetFiles(_files.Path));
    }

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
        _files.Dispose();
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string token, params string[] args) =>
        RunAsync(_ => null, [.. args, "--token", token]);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(Func<string, string?> variables, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync([.. args, "--api", "http://localhost/"], new CliEnvironment(TextReader.Null, output, error, _http, Variables: variables));
        return (exitCode, output.ToString(), error.ToString());
    }

    private string AdminToken() => File.ReadAllText(Path.Combine(_host.DataDirectory, "admin.token")).Trim();

    private async Task SeedAsync()
    {
        await _host.Services.GetRequiredService<SqliteDirectory>().SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
        var context = new InMemoryIngestionContext().AddDevice("oximeter-0042")
            .AddBinding(new DeviceBinding("oximeter-0042", "patient-1", TelemetryMessage.DefaultTime.AddDays(-1), null));
        var result = new IngestionPipeline().Process([new TelemetryMessage().HeartRate(72).Spo2(97).Temperature(37.2).Received()], context);
        await _host.Services.GetRequiredService<ITimelineStore>().AppendAsync("0:1", TimelineRecords.From(result));
    }
}
