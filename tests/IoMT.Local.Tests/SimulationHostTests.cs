using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

public sealed class SimulationHostTests
{
    [Fact]
    public async Task FirstRun_NoDevices_SimulatesItsCareTeam_ADesaturationReachesTheNursesInbox()
    {
        await using var host = await RunningHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address };
        var users = await host.SeededUsersAsync();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await host.TokenOfAsync("nurse"));
        var clock = Stopwatch.StartNew();

        JsonArray alerts = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(90) && !alerts.Any(a => (string)a!["ruleId"]! == "spo2-low"))
        {
            await Task.Delay(500);
            alerts = (await http.GetFromJsonAsync<JsonArray>("api/alerts?status=all"))!;
        }

        Assert.Equal(["care-coordinator", "nurse", "physician", "device-maker"], users.Select(u => (string)u!["roles"]![0]!));
        Assert.Contains(alerts, a => (string)a!["ruleId"]! == "spo2-low" && (string)a["patientId"]! == "sim-patient-002");
        Assert.Equal("sim-ward", (string)(await http.GetFromJsonAsync<JsonObject>("api/patients/sim-patient-002"))!["careTeams"]![0]!);
    }

    [Fact]
    public async Task SeedUsers_SecondStart_ReusesTheUsersAndTheirTokens_EachExpires()
    {
        var data = Directory.CreateTempSubdirectory("iomt-seed-").FullName;
        try
        {
            using var directory = new SqliteDirectory(Path.Combine(data, "directory.db"));
            await directory.SaveUserAsync(new LocalUser("admin", [IoMT.Core.Access.Role.Admin], []));
            var file = Path.Combine(data, SimulationHost.UsersFileName);
            var now = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

            var firstAdmin = await SimulationHost.SeedUsersAsync(directory, file, now, CancellationToken.None);
            var first = await File.ReadAllTextAsync(file);
            var secondAdmin = await SimulationHost.SeedUsersAsync(directory, file, now.AddHours(1), CancellationToken.None);
            var second = await File.ReadAllTextAsync(file);

            Assert.Equal(first, second);
            foreach (var user in new[] { "coordinator", "nurse", "physician", "device-maker" })
            {
                var token = Assert.Single(await directory.ListTokensAsync(user));
                Assert.Equal(now.AddDays(90), token.ExpiresAt);
            }

            Assert.Null(await directory.FindCallerAsync(firstAdmin, now));
            Assert.NotNull(await directory.FindCallerAsync(secondAdmin, now));
            Assert.Single(await directory.ListTokensAsync("admin"), t => t.Label == "simulation");
            Assert.Equal(["token.issued", "user.saved"], (await directory.HistoryAsync("nurse", 10)).Select(c => c.Action));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task SeedUsers_TokenNearItsExpiryOrRevoked_ReplacedByANewOne()
    {
        var data = Directory.CreateTempSubdirectory("iomt-seed-").FullName;
        try
        {
            using var directory = new SqliteDirectory(Path.Combine(data, "directory.db"));
            await directory.SaveUserAsync(new LocalUser("admin", [IoMT.Core.Access.Role.Admin], []));
            var file = Path.Combine(data, SimulationHost.UsersFileName);
            var now = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
            await File.WriteAllTextAsync(file, "null");
            await SimulationHost.SeedUsersAsync(directory, file, now, CancellationToken.None);
            var nurse = Token(await File.ReadAllTextAsync(file), "nurse");
            Assert.True(await directory.RevokeTokenAsync(nurse));

            await SimulationHost.SeedUsersAsync(directory, file, now.AddDays(89.5), CancellationToken.None);
            var renewed = await File.ReadAllTextAsync(file);

            Assert.NotEqual(nurse, Token(renewed, "nurse"));
            Assert.Equal("nurse", (await directory.FindCallerAsync(Token(renewed, "nurse"), now.AddDays(100)))?.Id);
            Assert.Equal("physician", (await directory.FindCallerAsync(Token(renewed, "physician"), now.AddDays(100)))?.Id);
            Assert.Single(await directory.ListTokensAsync("physician"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_WithoutSimulation_ItsSimulatedDevicesLeftBoundPageNobody_ARealDeviceStillDoes()
    {
        var t0 = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
        var data = Directory.CreateTempSubdirectory("iomt-restart-").FullName;
        try
        {
            // What a host killed during its simulation leaves: simulated devices enabled, bound, last heard before the kill.
            using (var left = new SqliteDeviceRegistry(Path.Combine(data, "devices.db")))
            {
                var fixture = IoMT.Testing.WorkflowFixtures.WatchedMonitor(t0.AddHours(-1), TimeSpan.FromSeconds(5), "sim-patient-001", "sim-patient-001-monitor");
                var simulated = fixture with { Manufacturer = IoMT.Client.Simulation.SimulatedDevice.Manufacturer };
                var real = IoMT.Testing.WorkflowFixtures.WatchedMonitor(t0.AddHours(-1), TimeSpan.FromSeconds(5), "patient-7", "bedside-7");
                var otherRun = simulated with { Id = "cli-sim-patient-001-monitor", Bindings = [new("cli-sim-patient-001-monitor", "patient-7", t0.AddHours(-1), null)] };
                await left.CreateAsync([simulated, real, otherRun], "admin");
                await left.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { [simulated.Id] = t0, [real.Id] = t0 });
                using var patients = new SqliteDirectory(Path.Combine(data, "directory.db"));
                await patients.SaveAsync(new IoMT.Core.Patients.PatientRecord("sim-patient-001", ["sim-ward"]));
                await patients.SaveAsync(new IoMT.Core.Patients.PatientRecord("patient-7", ["ward-7"]));
            }

            var clock = new IoMT.Testing.ManualClock(t0.AddMinutes(10));
            using var host = new LocalHostFactory
            {
                ReuseDataDirectory = data,
                ReplaceServices = s => s.AddSingleton<TimeProvider>(clock),
            };
            var services = host.Services;

            await services.GetRequiredService<IoMT.Core.Alerts.DeviceSilenceWatch>().CheckAsync();

            var timeline = services.GetRequiredService<IoMT.Core.Timeline.ITimelineStore>();
            async Task<IEnumerable<string?>> SilenceAlerts(string patientId) =>
                (await timeline.QueryAsync(new IoMT.Core.Timeline.TimelineQuery(patientId, DateTimeOffset.MinValue, DateTimeOffset.MaxValue,
                    [IoMT.Core.Timeline.TimelineEntryType.AlertRaised]))).Items.Select(r => r.Code);
            Assert.Empty(await SilenceAlerts("sim-patient-001"));
            Assert.Contains("device-silent.bedside-7", await SilenceAlerts("patient-7"));
            var registry = services.GetRequiredService<IoMT.Core.Devices.IDeviceRegistry>();
            Assert.Null((await registry.FindAsync("sim-patient-001-monitor"))!.CurrentPatientId);
            Assert.Equal(("simulation", "unbound"), ((await registry.HistoryAsync("sim-patient-001-monitor"))[^1] is var last ? (last.Actor, last.Action) : default));
            Assert.Equal("patient-7", (await registry.FindAsync("bedside-7"))!.CurrentPatientId);
            Assert.Equal("patient-7", (await registry.FindAsync("cli-sim-patient-001-monitor"))!.CurrentPatientId); // an iomt simulate run's own
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static string Token(string usersFile, string userId) =>
        (string)JsonNode.Parse(usersFile)!.AsArray().Single(u => (string)u!["id"]! == userId)!["token"]!;

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://+:80", "http://127.0.0.1/")]
    [InlineData("http://*:5081/", "http://127.0.0.1:5081/")]
    [InlineData("http://gateway.ward7.local:5080", "http://gateway.ward7.local:5080/")]
    public void LoopbackAddress_WildcardListeningAddress_ReachedOnLoopback(string listening, string expected) =>
        Assert.Equal(new Uri(expected), SimulationHost.LoopbackAddress(listening));
}
