using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

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
