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
    public async Task Set_Settings_ThePhysicianChangesOnlyWhatWasGiven()
    {
        var first = await _cli.RunAsync(_cli.Physician, "patients", "set", "patient-1", "--spo2-scale", "2", "--limit", "spo2-low.raiseAt=85",
            "--limit", "spo2-low.clearAt=88", "--best-fev1", "2.1", "--best-peak-flow", "420", "--reason", "COPD, target 88–92 %", "--api", Api);
        var second = await _cli.RunAsync(_cli.Physician, "patients", "set", "patient-1", "--dry-weight", "78.5", "--weight-gain-day", "1.5",
            "--reason", "heart failure too", "--api", Api);

        Assert.Equal((0, "Saved the clinical settings of patient-1."), (first.ExitCode, first.Output.Trim()));
        Assert.Equal(0, second.ExitCode);
        var settings = await GetAsync("api/patients/patient-1/settings");
        Assert.Equal(2, (int)settings["spo2Scale"]!);
        Assert.Equal((85, 88), ((double)settings["limits"]!["spo2-low"]!["raiseAt"]!, (double)settings["limits"]!["spo2-low"]!["clearAt"]!));
        Assert.Equal((2.1, 420, 78.5), ((double)settings["baselines"]!["bestFev1"]!, (double)settings["baselines"]!["bestPeakFlow"]!, (double)settings["baselines"]!["dryWeight"]!));
        Assert.Equal(1.5, (double)settings["weightGain"]!["dayKg"]!);
        Assert.Equal(("heart failure too", "physician-7"), ((string?)settings["reason"], (string?)settings["changedBy"]));

        var dropped = await _cli.RunAsync(_cli.Physician, "patients", "set", "patient-1", "--limit", "spo2-low=default", "--reason", "back to the ward's limit", "--api", Api);

        Assert.Equal(0, dropped.ExitCode);
        Assert.Null((await GetAsync("api/patients/patient-1/settings"))["limits"]!["spo2-low"]);
    }

    [Fact]
    public async Task Set_SettingsAsAnAdmin_RefusedWithTheApisCode()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--spo2-scale", "2", "--reason", "r", "--api", Api);

        Assert.Equal(1, exitCode);
        Assert.Contains("403 auth.forbidden", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ProfileSettingsAndEffectiveRules_TableAndJson()
    {
        await _cli.RunAsync(_cli.Admin, "patients", "set", "patient-1", "--name", "Ada Lovelace", "--home",
            "--caregiver", "Grace Hopper|daughter|grace@example.org|", "--api", Api);
        await _cli.RunAsync(_cli.Physician, "patients", "set", "patient-1", "--limit", "spo2-low.raiseAt=85", "--best-fev1", "2.1", "--reason", "COPD", "--api", Api);

        var table = await _cli.RunAsync(_cli.Nurse, "patients", "show", "patient-1", "--api", Api);
        var json = await _cli.RunAsync(_cli.Nurse, "patients", "show", "patient-1", "--json", "--api", Api);

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"name\s+Ada Lovelace", table.Output);
        Assert.Matches(@"location\s+home", table.Output);
        Assert.Matches(@"caregiver\s+Grace Hopper \(daughter\): email grace@example.org", table.Output);
        Assert.Matches(@"best fev1\s+2.1 L", table.Output);
        Assert.Matches(@"settings changed\s+\S+ by physician-7: COPD", table.Output);
        Assert.Matches(@"spo2-low\s+low\s+85\s+92\s+high\s+yes\s+yes", table.Output);
        Assert.Matches(@"heart-rate-high\s+high\s+131\s+120\s+medium\s+yes\s*\n", table.Output);
        var shown = JsonNode.Parse(json.Output)!;
        Assert.Equal("Ada Lovelace", (string?)shown["patient"]!["displayName"]);
        Assert.Equal(85, (double)shown["settings"]!["effectiveRules"]!.AsArray().Single(r => (string?)r!["id"] == "spo2-low")!["raiseAt"]!);
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
