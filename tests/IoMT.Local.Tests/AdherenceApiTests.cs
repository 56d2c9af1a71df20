using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Telemetry;
using IoMT.Local.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

public sealed class AdherenceApiTests : IDisposable
{
    private readonly GatewayFixture _api = new();

    [Fact]
    public async Task Schedule_ThenATakenDose_AdherenceShowsTheScheduleAndTheDose()
    {
        using var saved = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/medications/metformin", _api.NurseToken,
            new { timesOfDay = new[] { DateTime.UtcNow.AddMinutes(10).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) }, timeZone = "UTC" });
        var now = DateTimeOffset.UtcNow;
        await _api.Factory.Services.GetRequiredService<LocalWorkflowEngine>().PublishAsync(
            [new DoseReported("patient-1", now, "metformin", DoseEventType.Taken, null, "rd-dose-1")]);

        using var view = await WaitForDoseAsync();
        using var invalid = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-1/medications/metformin", _api.NurseToken, new { timesOfDay = new[] { "25:00" } });
        using var maker = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/adherence", _api.MakerToken);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var medication = (await view.Content.ReadFromJsonAsync<JsonObject>())!["medications"]!.AsArray().Single()!;
        Assert.Equal("metformin", (string)medication["schedule"]!["medicationId"]!);
        Assert.Equal("taken", (string)medication["doses"]![0]!["status"]!);
        Assert.Equal("/timesOfDay/0", (string)(await invalid.Content.ReadFromJsonAsync<JsonObject>())!["field"]!);
        Assert.Equal(HttpStatusCode.Forbidden, maker.StatusCode);
    }

    public void Dispose() => _api.Dispose();

    /// <summary>The adherence view once the runner has written the dose's outcome (it runs in the background).</summary>
    private async Task<HttpResponseMessage> WaitForDoseAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/adherence?days=7", _api.NurseToken);
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains("\"taken\"", StringComparison.Ordinal) || attempt == 100)
            {
                return await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-1/adherence?days=7", _api.NurseToken);
            }

            response.Dispose();
            await Task.Delay(100);
        }
    }
}
