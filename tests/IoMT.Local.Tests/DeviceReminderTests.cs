using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Local.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests;

/// <summary>
/// The <c>device</c> channel in the running host: a missed dose of a patient with a bound dispenser becomes a
/// cloud-to-device message for the dispenser, and the dispenser's completion is recorded on the notification's delivery.
/// </summary>
public sealed class DeviceReminderTests : IDisposable
{
    private readonly GatewayFixture _gateway = new();

    [Fact]
    public async Task MissedDose_BoundDispenserCompletesOverHttps_DeliveryRecordedAsCompletedByTheDispenser()
    {
        var key = await RegisterDispenserAsync("dispenser-1");
        var scheduled = await SaveScheduleWithReminderDueAsync();

        using var received = await ReceiveReminderAsync("dispenser-1", key);
        var body = (await received.Content.ReadFromJsonAsync<JsonObject>())!;
        var correlationId = Header(received, "iothub-correlationid")!;
        var queued = await _gateway.WaitForAsync("patient-1", r => r.Id == correlationId);
        var lockToken = received.Headers.ETag!.Tag.Trim('"');
        using var completed = await DeviceAsync(HttpMethod.Delete, $"/devices/dispenser-1/messages/devicebound/{lockToken}?api-version=2021-04-12", key);
        var record = await FindRecordAsync(correlationId);
        using var nurseView = await _gateway.SendAsync(HttpMethod.Get, "/api/patients/patient-1/timeline?types=notification", _gateway.NurseToken);

        Assert.Equal(
            ("medication-reminder", "reminder", "metformin", Core.Validation.Rfc3339.Format(scheduled)),
            ((string?)body["type"], (string?)body["kind"], (string?)body["medicationId"], (string?)body["dueAt"]));
        Assert.Null(body["patientId"]);
        Assert.Equal(("medication-reminder", "reminder"), (Header(received, "iothub-app-type"), Header(received, "iothub-app-kind")));
        Assert.Equal(DeviceReminders.CorrelationId("patient-1:metformin:" + Core.Validation.Rfc3339.Format(scheduled) + ":DoseMissed:Patient", "device"), correlationId);
        Assert.Equal(DeliveryStatus.Queued, WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(queued).Data).Status);
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
        Assert.Equal((DeliveryStatus.Delivered, "device"), (outcome.Status, outcome.Channel));
        var device = Assert.Single(outcome.Devices!);
        Assert.Equal(("dispenser-1", Core.Devices.CloudToDeviceStatus.Completed), (device.DeviceId, device.Status));
        Assert.NotNull(device.SettledAt);
        var shown = (await nurseView.Content.ReadFromJsonAsync<JsonArray>())!.Single(e => (string?)e!["id"] == correlationId)!["data"]!;
        Assert.Equal(HttpStatusCode.OK, nurseView.StatusCode);
        Assert.Equal(("dispenser-1", "completed"),
            ((string?)shown["devices"]![0]!["deviceId"], ((string?)shown["devices"]![0]!["status"])?.ToLowerInvariant()));
    }

    [Fact]
    public async Task MissedDose_NoBoundDeviceThatCanAct_RecordedUndeliverableWithTheReason()
    {
        await _gateway.RegisterAsync("oximeter-1");
        await SaveScheduleWithReminderDueAsync();

        var record = Assert.Single(await _gateway.WaitForAsync("patient-1",
            r => r.Type == TimelineEntryType.Notification && WorkflowJson.Deserialize<DeliveryOutcome>(r.Data).Channel == "device"));

        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
        Assert.Equal(DeliveryStatus.Failed, outcome.Status);
        Assert.Contains("no enabled device bound that records 'doseEvent'", outcome.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _gateway.Dispose();

    /// <summary>A metformin schedule whose dose 90 minutes ago closed its window 30 minutes ago: the patient's reminder is due now.</summary>
    private async Task<DateTimeOffset> SaveScheduleWithReminderDueAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var scheduled = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(-90);
        await _gateway.Factory.Services.GetRequiredService<LocalWorkflowEngine>().SaveAsync(new MedicationSchedule
        {
            PatientId = "patient-1",
            MedicationId = "metformin",
            TimesOfDay = [TimeOnly.FromDateTime(scheduled.UtcDateTime)],
            EffectiveFrom = now.AddHours(-3),
        });
        return scheduled;
    }

    private async Task<string> RegisterDispenserAsync(string deviceId)
    {
        using var registered = await _gateway.SendAsync(HttpMethod.Post, "/api/devices", _gateway.MakerToken,
            new { id = deviceId, model = "PillPal 3", kinds = new[] { "doseEvent" } });
        registered.EnsureSuccessStatusCode();
        using var bound = await _gateway.SendAsync(HttpMethod.Post, $"/api/devices/{deviceId}/bind", _gateway.NurseToken, new { patientId = "patient-1", at = "2026-11-20T00:00:00Z" });
        bound.EnsureSuccessStatusCode();
        using var credentials = await _gateway.SendAsync(HttpMethod.Get, $"/api/devices/{deviceId}/credentials", _gateway.MakerToken);
        return (string)(await credentials.Content.ReadFromJsonAsync<JsonObject>())!["primaryKey"]!;
    }

    /// <summary>Polls as a device does until the workflow runner (in the background) has queued the reminder.</summary>
    private async Task<HttpResponseMessage> ReceiveReminderAsync(string deviceId, string key)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var response = await DeviceAsync(HttpMethod.Get, $"/devices/{deviceId}/messages/deviceBound?api-version=2021-04-12", key);
            if (response.StatusCode != HttpStatusCode.NoContent)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(50);
        }

        throw new TimeoutException("No reminder was queued for the dispenser within 30 s.");
    }

    private async Task<TimelineRecord> FindRecordAsync(string id)
    {
        var page = await _gateway.Timeline.QueryAsync(new TimelineQuery("patient-1", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, PageSize: 1000));
        return Assert.Single(page.Items, r => r.Id == id);
    }

    private async Task<HttpResponseMessage> DeviceAsync(HttpMethod method, string path, string key)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", GatewayFixture.SasFor(path.Split('/')[2], key));
        return await _gateway.Client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
