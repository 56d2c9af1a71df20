using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

public sealed class ClinicalSettingsApiTests : IDisposable
{
    private static readonly object Copd = new
    {
        spo2Scale = 2,
        limits = new Dictionary<string, object> { ["spo2-low"] = new { raiseAt = 85, clearAt = 88, sustainForSeconds = 15, priority = "high", enabled = true } },
        baselines = new { bestPeakFlow = 420, bestFev1 = 2.1 },
        weightGain = new { dayKg = 1.5, weekKg = 2.5, enabled = true },
        reason = "COPD with a prescribed 88–92 % target",
    };

    private readonly GatewayFixture _api = new();
    private readonly string _physician;
    private readonly string _admin;

    public ClinicalSettingsApiTests()
    {
        var directory = _api.Factory.Services.GetRequiredService<SqliteDirectory>();
        _physician = GatewayFixture.Token(directory, new LocalUser("dr-who", [Role.Physician], ["ward-7"]));
        _admin = GatewayFixture.Token(directory, new LocalUser("settings-admin", [Role.Admin], []));
    }

    [Fact]
    public async Task Put_PhysicianOfTheCareTeam_AnsweredAsGetShowsIt_RecordedInTheHistory()
    {
        using var saved = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/settings", _physician, Copd);
        using var read = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/settings", _api.NurseToken);
        using var history = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/settings/history?limit=5", _api.NurseToken);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var answer = (await saved.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(JsonNode.DeepEquals(answer, await read.Content.ReadFromJsonAsync<JsonObject>()));
        Assert.Equal((2, "dr-who", "COPD with a prescribed 88–92 % target"), ((int)answer["spo2Scale"]!, (string?)answer["changedBy"], (string?)answer["reason"]));
        Assert.Equal("high", (string?)answer["limits"]!["spo2-low"]!["priority"]);
        Assert.Equal(420, (double)answer["baselines"]!["bestPeakFlow"]!);
        var spo2 = answer["effectiveRules"]!.AsArray().Single(r => (string?)r!["id"] == "spo2-low")!;
        Assert.Equal((85.0, 88.0, "spo2", "low", true), ((double)spo2["raiseAt"]!, (double)spo2["clearAt"]!, (string?)spo2["signal"], (string?)spo2["direction"], (bool)spo2["overridden"]!));
        var change = Assert.Single((await history.Content.ReadFromJsonAsync<JsonArray>())!)!;
        Assert.Equal(("dr-who", 1, 2), ((string?)change["actor"], (int)change["previous"]!["spo2Scale"]!, (int)change["settings"]!["spo2Scale"]!));
    }

    [Fact]
    public async Task Put_AdminOrNurse_Forbidden_AndAudited_InvalidBody_PointerToTheMember()
    {
        using var admin = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/settings", _admin, Copd);
        using var nurse = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/settings", _api.NurseToken, Copd);
        using var hysteresis = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/settings", _physician,
            new { limits = new Dictionary<string, object> { ["spo2-low"] = new { raiseAt = 85, clearAt = 84 } }, reason = "x" });
        using var notANumber = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/settings", _physician, new { spo2Scale = "two", reason = "x" });
        using var badLimit = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/settings/history?limit=x", _physician);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (admin.StatusCode, nurse.StatusCode));
        await AssertProblemAsync(hysteresis, "request.body-invalid", "/limits/spo2-low/clearAt");
        await AssertProblemAsync(notANumber, "request.body-invalid", "/spo2Scale");
        await AssertProblemAsync(badLimit, "request.parameter-invalid", "limit");
        using var history = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/settings/history", _physician);
        Assert.Empty((await history.Content.ReadFromJsonAsync<JsonArray>())!);
        var audit = await PollAsync(async () =>
        {
            using var response = await _api.SendAsync(HttpMethod.Get, "/api/audit", _admin);
            return (await response.Content.ReadFromJsonAsync<JsonArray>())!.Where(e => (string?)e!["request"] == "PUT /api/patients/patient-1/settings").ToList();
        }, found => found.Count >= 2);
        Assert.Equal(["nurse-7", "settings-admin"], audit.Select(e => (string)e!["actor"]!).Order());
    }

    [Fact]
    public async Task Scale2Patient_Spo2Of89OnAir_NotScoredForSpo2_ThroughTheHostsIngestion()
    {
        using var saved = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/settings", _physician, new { spo2Scale = 2, reason = "COPD" });
        saved.EnsureSuccessStatusCode();
        var key = await _api.RegisterAsync("oximeter-copd");

        var now = DateTimeOffset.UtcNow;
        using var sent = await _api.SendEventAsync("oximeter-copd", GatewayFixture.SasFor("oximeter-copd", key),
            new TelemetryMessage("oximeter-copd", "m-1", now).Spo2(89, now).ToString(), "m-1");

        Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
        var score = Assert.Single(await _api.WaitForAsync("patient-1", r => r.Type == TimelineEntryType.News2));
        Assert.Equal(0, TimelineJson.Deserialize<News2Data>(score.Data).Scores.Spo2);
    }

    public void Dispose() => _api.Dispose();

    private static async Task AssertProblemAsync(HttpResponseMessage response, string code, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((code, field), ((string?)problem["code"], (string?)problem["field"]));
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
