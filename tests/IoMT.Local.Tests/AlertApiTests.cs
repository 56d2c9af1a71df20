using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Local.Workflows;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

public sealed class AlertApiTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Fact]
    public async Task Inbox_NurseOfTheTeamSeesTheAlert_OtherTeamSeesNothing()
    {
        var alertId = await RaiseAsync();
        var other = OtherTeamNurse();

        using var mine = await _api.SendAsync(HttpMethod.Get, "/api/alerts?priority=high", _api.NurseToken);
        using var theirs = await _api.SendAsync(HttpMethod.Get, "/api/alerts", other);
        using var hidden = await _api.SendAsync(HttpMethod.Get, $"/api/alerts/{alertId}", other);
        using var badStatus = await _api.SendAsync(HttpMethod.Get, "/api/alerts?status=closed", _api.NurseToken);
        using var badPriority = await _api.SendAsync(HttpMethod.Get, "/api/alerts?priority=low,high", _api.NurseToken);

        var listed = (await mine.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal((alertId, "triggered", "high"), ((string)listed.Single()!["alertId"]!, (string)listed[0]!["status"]!, (string)listed[0]!["priority"]!));
        Assert.Empty((await theirs.Content.ReadFromJsonAsync<JsonArray>())!);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("alert.not-found", (string)(await hidden.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
        Assert.Equal("status", (string)(await badStatus.Content.ReadFromJsonAsync<JsonObject>())!["field"]!);
        Assert.Equal("priority", (string)(await badPriority.Content.ReadFromJsonAsync<JsonObject>())!["field"]!);
    }

    [Fact]
    public async Task Acknowledge_Resolve_Note_AreInTheHistory_ActingAfterResolveIsAConflict()
    {
        var alertId = await RaiseAsync();

        using var acknowledged = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/acknowledge", _api.NurseToken);
        using var again = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/acknowledge", _api.NurseToken);
        using var resolved = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/resolve", _api.NurseToken, new { note = "repositioned the probe" });
        using var late = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/snooze", _api.NurseToken, new { minutes = 10 });
        using var noted = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/notes", _api.NurseToken, new { text = "family informed" });

        Assert.Equal("acknowledged", (string)(await acknowledged.Content.ReadFromJsonAsync<JsonObject>())!["status"]!);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(("resolved", "nurse-7"), await StatusAndResolverAsync(resolved));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("alert.resolved", (string)(await late.Content.ReadFromJsonAsync<JsonObject>())!["code"]!);
        Assert.Equal(HttpStatusCode.Created, noted.StatusCode);

        // The steps reach the history as the workflow engine records them: wait for all of them.
        var actions = await WaitForHistoryAsync(alertId, "notification-delivered", "acknowledged", "resolved", "note");
        Assert.Contains("notification-delivered", actions);
        Assert.Contains("acknowledged", actions);
        Assert.Contains("resolved", actions);
        Assert.Contains("note", actions);
    }

    [Fact]
    public async Task Snooze_InvalidMinutes_NamesTheField_DeviceMakerMayNotAct()
    {
        var alertId = await RaiseAsync();

        using var invalid = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/snooze", _api.NurseToken, new { minutes = 0 });
        using var maker = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/acknowledge", _api.MakerToken);
        using var snoozed = await _api.SendAsync(HttpMethod.Post, $"/api/alerts/{alertId}/snooze", _api.NurseToken, new { minutes = 15, reach = "direction" });

        Assert.Equal("/minutes", (string)(await invalid.Content.ReadFromJsonAsync<JsonObject>())!["field"]!);
        Assert.Equal(HttpStatusCode.Forbidden, maker.StatusCode);
        Assert.Equal("snoozed", (string)(await snoozed.Content.ReadFromJsonAsync<JsonObject>())!["status"]!);
    }

    public void Dispose() => _api.Dispose();

    private async Task<string> RaiseAsync()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow);
        await _api.Factory.Services.GetRequiredService<LocalWorkflowEngine>().PublishAsync([alert]);
        return alert.AlertId;
    }

    private string OtherTeamNurse()
    {
        var directory = _api.Factory.Services.GetRequiredService<SqliteDirectory>();
        directory.SaveAsync(new PatientRecord("patient-2", ["ward-9"])).GetAwaiter().GetResult();
        return GatewayFixture.Token(directory, new LocalUser("nurse-9", [Role.Nurse], ["ward-9"]));
    }

    private static async Task<(string, string)> StatusAndResolverAsync(HttpResponseMessage response)
    {
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return ((string)body["status"]!, (string)body["resolvedBy"]!);
    }

    /// <summary>The history's actions once the runner has delivered the notifications (it runs in the background).</summary>
    private async Task<List<string>> WaitForHistoryAsync(string alertId, params string[] expected)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var detail = await _api.SendAsync(HttpMethod.Get, $"/api/alerts/{alertId}", _api.NurseToken);
            var actions = (await detail.Content.ReadFromJsonAsync<JsonObject>())!["history"]!.AsArray().Select(h => (string)h!["action"]!).ToList();
            if (expected.All(actions.Contains) || attempt == 100)
            {
                return actions;
            }

            await Task.Delay(100);
        }
    }
}
