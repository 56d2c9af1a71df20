using System.Text;
using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Local.Workflows;
using IoMT.Testing;
using Microsoft.AspNetCore.Http;

namespace IoMT.Local.Tests.Workflows;

public sealed class LiveFeedTests
{
    [Fact]
    public async Task Stream_SendsNotificationsAboutTheCallersPatientsOnly_AsServerSentEvents()
    {
        var feed = new LiveFeed();
        var patients = new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"]), new PatientRecord("patient-2", ["ward-9"]));
        var nurse = new Caller("nurse-7", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });
        using var body = new MemoryStream();
        using var closed = new CancellationTokenSource();
        var http = new DefaultHttpContext { RequestAborted = closed.Token };
        http.Response.Body = body;

        var streaming = feed.StreamAsync(http, new LiveAccess(_ => Task.FromResult<Caller?>(nurse), patients));
        while (body.Length == 0)
        {
            await Task.Delay(10);
        }

        await feed.SendAsync("console", Notification("patient-2"), CancellationToken.None);
        await feed.SendAsync("console", Notification("patient-1"), CancellationToken.None);
        // patient-2's was sent first: once patient-1's is written, patient-2's was handled.
        for (var waited = 0; waited < 500 && !Encoding.UTF8.GetString(body.ToArray()).Contains("patient-1", StringComparison.Ordinal); waited++)
        {
            await Task.Delay(10);
        }

        await closed.CancelAsync();
        await streaming;

        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal("text/event-stream", http.Response.ContentType);
        Assert.Contains("id: patient-1:k\nevent: alertTriggered\ndata: {", text, StringComparison.Ordinal);
        Assert.DoesNotContain("patient-2", text, StringComparison.Ordinal);
        Assert.True(feed.Serves("console"));
        Assert.False(feed.Serves("email"));
    }

    private static Notification Notification(string patientId) =>
        new(patientId + ":k", NotificationKind.AlertTriggered, patientId, patientId + ":spo2-low", "SpO2 low", AlertPriority.High, ["role:nurse"],
            ["console"], DateTimeOffset.UnixEpoch);
}
