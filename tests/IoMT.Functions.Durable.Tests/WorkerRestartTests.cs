using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Testing;

namespace IoMT.Functions.Durable.Tests;

/// <summary>
/// The worker goes away and a new one comes, while the backend (the in-process host's in-memory orchestration
/// service behind its gRPC sidecar) keeps every instance's history, queued messages and timers. The in-process host
/// cannot outlive its backend, so this is the closest it allows to a Functions host restart over Azure Storage.
/// </summary>
public class WorkerRestartTests(DurableRuntime runtime) : IClassFixture<DurableRuntime>
{
    [Fact]
    public async Task WorkerRestartsWhileWaitingForLevelTwo_HistoryReplayedNoNotificationTwice_LevelTwoStillFires()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-restart");
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Any(x => x.Action == "level-notified"), "level 1's last effect");
        await runtime.WaitForIdleAsync(alert.AlertId);
        var due = runtime.Escalations.Alerts[alert.AlertId].Timer!.Due;

        // The worker stops while the instance waits for level 2, and level 2 comes due while no worker runs.
        await runtime.StopWorkerAsync();
        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (due - DateTimeOffset.UtcNow).Ticks)) + TimeSpan.FromMilliseconds(500));
        var sentWhileDown = runtime.SentTo(alert.PatientId).Count;
        await runtime.StartWorkerAsync();
        var sent = await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 2, "level 2 after the restart");

        Assert.Equal(1, sentWhileDown);
        Assert.Equal(
            [(NotificationKind.AlertTriggered, "role:nurse"), (NotificationKind.AlertTriggered, "role:care-coordinator")],
            sent.Take(2).Select(n => (n.Kind, Assert.Single(n.Recipients))));
        Assert.Equal(sent.Count, sent.DistinctBy(n => n.Key).Count());
        var runs = runtime.ActivityRuns.Where(r => r.InstanceId == alert.AlertId).ToList();
        Assert.Equal(runs.Count, runs.Distinct().Count());
        Assert.Equal(AlertStatus.Triggered, runtime.Escalations.Alerts[alert.AlertId].Status);

        await runtime.Alerts().SendAsync(alert.AlertId, new ResolveAlert("nurse-1", DateTimeOffset.UtcNow));
        await runtime.WaitForStatusAsync(alert.AlertId, Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed);
    }
}
