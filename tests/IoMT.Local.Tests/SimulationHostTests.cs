using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace IoMT.Local.Tests;

/// <summary>The built-in simulation against the real host listening on loopback, as `dotnet run --project src/IoMT.Local` starts it.</summary>
public sealed class SimulationHostTests : IAsyncDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    [Fact]
    public async Task FirstRun_NoDevices_SimulatesItsCareTeam_ADesaturationReachesTheNursesInbox()
    {
        var address = await StartAsync();
        using var http = new HttpClient { BaseAddress = address };
        var users = JsonNode.Parse(await File.ReadAllTextAsync(await WaitForFileAsync(Path.Combine(_data, SimulationHost.UsersFileName))))!.AsArray();
        var nurse = users.Single(u => (string)u!["id"]! == "nurse")!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)nurse["token"]!);
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

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task<Uri> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(["--urls=http://127.0.0.1:0", $"--IoMT:DataDirectory={_data}", "--IoMT:SimulatedPatients=2", "--IoMT:SimulationCycle=00:01:00"]);
        builder.AddIoMTLocal();
        _app = builder.Build();
        _app.MapIoMTLocal();
        await _app.StartAsync();
        return new Uri(_app.Urls.First().TrimEnd('/') + "/");
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        for (var attempt = 0; !File.Exists(path) && attempt < 100; attempt++)
        {
            await Task.Delay(100);
        }

        return path;
    }
}
