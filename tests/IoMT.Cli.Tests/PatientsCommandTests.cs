using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace IoMT.Cli.Tests;

public sealed class PatientsCommandTests : IDisposable
{
    private const string Api = "http://localhost";
    private readonly LocalHostCli _cli = new();

    [Fact]
    public async Task Set_Profile_ReadsTheRecordAndChangesOnlyWhatWasGiven()
    {
        var first = await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--name", "Ada Lovelace", "--birth-date", "1950-03-14",
            "--mrn", "https://hospital.example/mrn|MRN-0012", "--ward", "7", "--room", "12", "--bed", "B",
            "--caregiver", "Grace Hopper|daughter|grace@example.org|+447700900123", "--api", Api);
        var second = await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--room", "14",
            "--identifier", "https://hospital.example/nhs|943 476 5919", "--api", Api);

        Assert.Equal((0, "Saved the profile of patient-1."), (first.ExitCode, first.Output.Trim()));
        Assert.Equal(0, second.ExitCode);
        var patient = await GetAsync("api/patients/patient-1");
        Assert.Equal(("Ada Lovelace", "1950-03-14"), ((string?)patient["displayName"], (string?)patient["birthDate"]));
        Assert.Equal(["ward-7"], patient["careTeams"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("""{"ward":"7","room":"14","bed":"B"}""", Without(patient["location"], "home"));
        Assert.Equal(["https://hospital.example/mrn|MRN-0012|MR", "https://hospital.example/nhs|943 476 5919|"],
            patient["identifiers"]!.AsArray().Select(i => $"{i!["system"]}|{i["value"]}|{i["type"]}"));
        var caregiver = Assert.Single(patient["contacts"]!.AsArray())!;
        Assert.Equal(("Grace Hopper", "daughter", true, "grace@example.org", "+447700900123"),
            ((string?)caregiver["name"], (string?)caregiver["relation"], (bool?)caregiver["caregiver"], (string?)caregiver["email"], (string?)caregiver["sms"]));
    }

    [Fact]
    public async Task Set_Home_DropsTheBedAndKeepsTheRest()
    {
        await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--name", "Ada Lovelace", "--ward", "7", "--bed", "B", "--api", Api);

        var home = await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--home", "--care-team", "ward-7,home-care", "--api", Api);

        Assert.Equal(0, home.ExitCode);
        var patient = await GetAsync("api/patients/patient-1");
        Assert.Equal((true, "Ada Lovelace"), ((bool?)patient["location"]!["home"], (string?)patient["displayName"]));
        Assert.Equal(["home-care", "ward-7"], patient["careTeams"]!.AsArray().Select(t => (string?)t).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Set_BadProfileValue_TheApisCodeAndPointer()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--birth-date", "14/03/1950", "--api", Api);

        Assert.Equal(1, exitCode);
        Assert.Contains("(/birthDate)", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nothing to set", "patients", "set", "patient-1")]
    [InlineData("--reason is required", "patients", "set", "patient-1", "--best-fev1", "2.1")]
    [InlineData("--limit 'spo2-low.raiseAt=low'", "patients", "set", "patient-1", "--limit", "spo2-low.raiseAt=low", "--reason", "r")]
    [InlineData("--limit 'spo2-low.colour=red'", "patients", "set", "patient-1", "--limit", "spo2-low.colour=red", "--reason", "r")]
    [InlineData("--home leaves no ward", "patients", "set", "patient-1", "--home", "--bed", "B")]
    public async Task Set_BadOptions_UsageErrorBeforeAnyRequest(string message, params string[] args)
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, [.. args, "--api", Api]);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Null((await GetAsync("api/patients/patient-1"))["displayName"]);
    }

    [Fact]
    public async Task Show_UnknownPatient_Exit1WithTheApisCode()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, "patients", "show", "patient-404", "--api", Api);

        Assert.Equal(1, exitCode);
        Assert.Contains("404 patient.not-found", error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private async Task<JsonObject> GetAsync(string path)
    {
        using var http = new HttpClient(_cli.Http, disposeHandler: false) { BaseAddress = new Uri(Api) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _cli.Admin);
        return (await http.GetFromJsonAsync<JsonObject>(path))!;
    }

    private static string Without(JsonNode? node, string member)
    {
        var copy = (JsonObject)node!.DeepClone();
        copy.Remove(member);
        return copy.ToJsonString();
    }
}
