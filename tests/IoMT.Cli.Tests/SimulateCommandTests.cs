using IoMT.Client.Simulation;
using IoMT.Core.Timeline;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly LocalHostCli _cli = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Simulate_ProvisionedThroughTheApi_ReadingsReachThePatientsTimelines(bool dps)
    {
        string[] args = ["simulate", "--gateway", "http://localhost/", "--patients", "2", "--scenario", "normal,hypoglycemia", "--duration", "4s"];

        var (exitCode, output, error) = await _cli.RunAsync(_cli.Admin, dps ? [.. args, "--dps"] : args);

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("cli-sim-patient-002: hypoglycemia (monitor, cgm)", output, StringComparison.Ordinal);
        Assert.Matches(@"Done: (\d+) sent, \1 accepted, 0 failed \(204: \1\)", output);
        var timeline = _cli.Host.Services.GetRequiredService<ITimelineStore>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = await timeline.QueryAsync(new TimelineQuery("cli-sim-patient-002", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, [TimelineEntryType.Reading]));
            if (page.Items.Any(r => r.Code == "glucose"))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("No glucose reading reached cli-sim-patient-002's timeline.");
    }

    [Fact]
    public async Task Simulate_HomePrograms_ProfilesAndTheirPhysiciansSettingsThroughTheApi()
    {
        string[] args = ["simulate", "--gateway", "http://localhost/", "--patients", "2", "--scenario", "copd-exacerbation,heart-failure-weight-gain", "--duration", "2s", "--prefix", "sim"];

        var first = await _cli.RunAsync(_cli.Admin, args);
        var again = await _cli.RunAsync(_cli.Admin, args);

        Assert.True(first.ExitCode == 0 && again.ExitCode == 0, first.Output + first.Error + again.Error);
        Assert.Contains("sim-patient-001: copd-exacerbation (spirometer, oximeter)", first.Output, StringComparison.Ordinal);
        var patient = await GetAsync("api/patients/sim-patient-001");
        Assert.Equal(("Ada Simulated", true), ((string?)patient["displayName"], (bool?)patient["location"]!["home"]));
        var copd = await GetAsync("api/patients/sim-patient-001/settings");
        Assert.Equal((2, 1.6, SimulationProvisioner.Physician), ((int)copd["spo2Scale"]!, (double)copd["baselines"]!["bestFev1"]!, (string?)copd["changedBy"]));
        Assert.Equal(1.5, (double)(await GetAsync("api/patients/sim-patient-002/settings"))["weightGain"]!["dayKg"]!);
        Assert.Single((await GetAsync("api/patients/sim-patient-001/settings/history")).AsArray());
        var tokens = await GetAsync($"api/users/{SimulationProvisioner.Physician}/tokens");
        Assert.Empty(tokens.AsArray());

        // The week the scale remembered is the patient's: its weights days old are on their timeline, none quarantined.
        var timeline = _cli.Host.Services.GetRequiredService<ITimelineStore>();
        var dayAgo = DateTimeOffset.UtcNow.AddHours(-20);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = await timeline.QueryAsync(new TimelineQuery("sim-patient-002", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, [TimelineEntryType.Reading, TimelineEntryType.Quarantine]));
            if (page.Items.Count(r => r.Code == "weight" && r.At < dayAgo) >= 7)
            {
                Assert.DoesNotContain(page.Items, r => r.Type == TimelineEntryType.Quarantine);
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The scale's remembered weights did not reach sim-patient-002's timeline.");
    }

    [Fact]
    public async Task Simulate_AgainstAHostSimulatingItsWard_ItsOwnPatientsAndDevices_RetiredWhenItStops()
    {
        await BuiltInMonitorSendingAsync();

        var (exitCode, output, error) = await _cli.RunAsync(_cli.Admin, "simulate", "--gateway", "http://localhost/", "--patients", "1", "--scenario", "device-silent", "--duration", "2s");

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("cli-sim-patient-001: device-silent (monitor)", output, StringComparison.Ordinal);
        Assert.Contains("Retired its 1 devices", output, StringComparison.Ordinal);
        var retired = await GetAsync("api/devices/cli-sim-patient-001-monitor");
        Assert.Equal(("enabled", null), ((string?)retired["status"], (string?)retired["patientId"]));
        Assert.NotNull(retired["bindings"]![0]!["to"]);
        var builtIn = await GetAsync("api/devices/sim-patient-001-monitor");
        Assert.Equal(("enabled", "sim-patient-001"), ((string?)builtIn["status"], (string?)builtIn["patientId"]));
    }

    [Fact]
    public async Task Simulate_DevicesAnotherSimulationDrives_RefusedBeforeAnyWrite()
    {
        await BuiltInMonitorSendingAsync();

        var (exitCode, output, error) = await _cli.RunAsync(_cli.Admin, "simulate", "--gateway", "http://localhost/", "--patients", "1", "--scenario", "normal", "--duration", "2s", "--prefix", "sim");

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("1 of this simulation's devices are sending already (e.g. sim-patient-001-monitor)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Simulating", output, StringComparison.Ordinal);
        Assert.Null(await _cli.Host.Services.GetRequiredService<IoMT.Core.Patients.IPatientDirectory>().FindAsync("sim-patient-001"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-sim")]
    [InlineData("ward 7")]
    public async Task Simulate_BadPrefix_UsageError(string prefix)
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, "simulate", "--prefix", prefix);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("--prefix must be", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_UnknownScenario_UsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, "simulate", "--scenario", "zombie");

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("Unknown scenario 'zombie'", error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    /// <summary>The host's own simulation's monitor, bound to its patient and heard just now.</summary>
    private async Task BuiltInMonitorSendingAsync()
    {
        var registry = _cli.Host.Services.GetRequiredService<IoMT.Core.Devices.IDeviceRegistry>();
        var fixture = IoMT.Testing.WorkflowFixtures.WatchedMonitor(DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(5), "sim-patient-001", "sim-patient-001-monitor");
        var monitor = fixture with { Manufacturer = SimulatedDevice.Manufacturer };
        await registry.CreateAsync([monitor], "admin");
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { [monitor.Id] = DateTimeOffset.UtcNow });
    }

    private async Task<System.Text.Json.Nodes.JsonNode> GetAsync(string path)
    {
        using var http = new HttpClient(_cli.Http, disposeHandler: false) { BaseAddress = new Uri("http://localhost") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _cli.Admin);
        return (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonNode>(http, path))!;
    }
}
