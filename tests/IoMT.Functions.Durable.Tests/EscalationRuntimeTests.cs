using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Functions.Workflows;
using IoMT.Testing;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Durable.Tests;

/// <summary>One alert episode's escalation on the real Durable Task runtime, started and driven as the app does it.</summary>
public class EscalationRuntimeTests(DurableRuntime runtime) : IClassFixture<DurableRuntime>
{
    [Fact]
    public async Task AlertRaised_InstanceNamedByTheAlertRuns_LevelOneNotifiedAndStateSaved()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-start");

        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);

        var sent = await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");
        Assert.Equal(NotificationKind.AlertTriggered, sent[0].Kind);
        Assert.Equal(["role:nurse"], sent[0].Recipients);
        Assert.Equal(alert.AlertId, sent[0].Subject);
        var instance = await runtime.Client.GetInstanceAsync(DurableEvents.EscalationInstance(alert.AlertId));
        Assert.Equal((EscalationOrchestrator.Name, OrchestrationRuntimeStatus.Running), (instance!.Name, instance.RuntimeStatus));
        var state = runtime.Escalations.Alerts[alert.AlertId];
        Assert.Equal((AlertStatus.Triggered, "seconds", 0), (state.Status, state.Policy.Id, state.Level));
        Assert.Equal(TimerPurpose.Escalate, state.Timer!.Purpose);
        await DurableRuntime.EventuallyAsync(() => runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Any(x => x.Action == "level-notified"), "level 1 on the timeline");
    }

    [Fact]
    public async Task AlertFromAReadingTenMinutesOld_LevelTwoDueOneLevelAfterItWasRaised()
    {
        // Low priority: the unhurried policy's 20 s between levels, so that level 2 is still pending when the test looks.
        var raisedAt = DateTimeOffset.UtcNow;
        var alert = WorkflowFixtures.Raised(raisedAt.AddMinutes(-10), patientId: "patient-late", priority: AlertPriority.Low) with { RaisedAt = raisedAt };

        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);

        var sent = await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");
        Assert.Equal(raisedAt, sent[0].At);
        Assert.Equal(raisedAt + DurableRuntime.Unhurried.Levels[0].EscalateAfter, runtime.Escalations.Alerts[alert.AlertId].Timer!.Due);
        await ResolveAsync(alert);
    }

    [Fact]
    public async Task FamilyAlertRegraded_SameInstanceTakesTheGrade_WorseGradeNotifiesAgain()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-grade", priority: AlertPriority.Medium, ruleId: "news2-urgent");
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");

        await runtime.Workflows.PublishAsync(runtime.Client, [Regraded(alert, "news2-emergency", AlertPriority.High)]);
        var sent = await DurableRuntime.EventuallyAsync(
            () => runtime.SentTo(alert.PatientId), s => s.Any(n => n.Priority == AlertPriority.High), "the worse grade notified");
        await runtime.Workflows.PublishAsync(runtime.Client, [Regraded(alert, "news2-urgent", AlertPriority.Medium)]);
        var steps = await DurableRuntime.EventuallyAsync(
            () => runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Any(x => x.Action == "priority-lowered"), "the milder grade recorded");

        var worse = sent.First(n => n.Priority == AlertPriority.High);
        Assert.Equal((NotificationKind.AlertTriggered, alert.AlertId), (worse.Kind, worse.Subject));
        Assert.Contains("role:nurse", worse.Recipients);
        Assert.Contains(steps, s => s.Action == "priority-raised");
        Assert.Equal(("news2-urgent", AlertPriority.Medium), (runtime.Escalations.Alerts[alert.AlertId].Alert.RuleId, runtime.Escalations.Alerts[alert.AlertId].Alert.Priority));
        await ResolveAsync(alert);
    }

    [Fact]
    public async Task Acknowledged_NoLaterLevel_NextNotificationIsTheAckTimeoutsRetrigger()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-ack");
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");

        // Level 2 is due 3 s after level 1; the acknowledgement times out 5 s after it is given.
        var outcome = await runtime.Alerts().SendAsync(alert.AlertId, new AcknowledgeAlert("nurse-1", DateTimeOffset.UtcNow));
        var sent = await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 3, "the acknowledgement to time out");

        Assert.Equal(DecisionOutcome.Applied, outcome);
        Assert.Equal(
            [(NotificationKind.AlertTriggered, "role:nurse"), (NotificationKind.AlertAcknowledged, "role:nurse"), (NotificationKind.AlertTriggered, "role:nurse")],
            sent.Take(3).Select(n => (n.Kind, Assert.Single(n.Recipients))));
        var steps = await DurableRuntime.EventuallyAsync(
            () => runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Any(x => x.Action == "acknowledgement-timed-out"), "the time-out on the timeline");
        Assert.Contains(steps, s => (s.Action, s.Actor) == ("acknowledged", "nurse-1"));
        await ResolveAsync(alert);
    }

    [Fact]
    public async Task Resolved_InstanceCompletes_EveryoneNotifiedOnce()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-resolve");
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");

        var outcome = await runtime.Alerts().SendAsync(alert.AlertId, new ResolveAlert("nurse-1", DateTimeOffset.UtcNow, "checked"));
        await runtime.WaitForStatusAsync(alert.AlertId, OrchestrationRuntimeStatus.Completed);

        Assert.Equal(DecisionOutcome.Applied, outcome);
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertResolved], runtime.SentTo(alert.PatientId).Select(n => n.Kind));
        var state = runtime.Escalations.Alerts[alert.AlertId];
        Assert.Equal((AlertStatus.Resolved, "nurse-1", null), (state.Status, state.ResolvedBy, state.Timer));
    }

    [Fact]
    public async Task ConditionCleared_AutoResolvedBySystem_InstanceCompletes()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-clear");
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");

        var cleared = new AlertCleared(alert.AlertId, alert.DedupKey, alert.PatientId, alert.RuleId, DateTimeOffset.UtcNow, 96, "59408-5", "%", "rd-clear");
        await runtime.Workflows.PublishAsync(runtime.Client, [cleared]);
        await runtime.WaitForStatusAsync(alert.AlertId, OrchestrationRuntimeStatus.Completed);

        var state = runtime.Escalations.Alerts[alert.AlertId];
        Assert.Equal((AlertStatus.Resolved, EscalationDecider.SystemActor, true), (state.Status, state.ResolvedBy, state.ConditionCleared));
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertResolved], runtime.SentTo(alert.PatientId).Select(n => n.Kind));
        Assert.Contains(runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Action == "condition-cleared" && s.Detail == "rd-clear");
    }

    [Fact]
    public async Task SnoozedByDirection_SilentUntilItEnds_ThenLevelOneAgain_NewAlertInThatDirectionStartsSnoozed()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-snooze", priority: AlertPriority.Low);
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");

        // Level 2 would be due 20 s after level 1 (DurableRuntime.Unhurried); the snooze ends 10 s from now.
        var until = DateTimeOffset.UtcNow.AddSeconds(10);
        var outcome = await runtime.Alerts().SendAsync(alert.AlertId, new SnoozeAlert("nurse-1", DateTimeOffset.UtcNow, until, SnoozeReach.Direction));
        await DurableRuntime.EventuallyAsync(() => runtime.Escalations.Alerts[alert.AlertId].Status, s => s == AlertStatus.Snoozed, "the snooze saved");
        var later = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: alert.PatientId, priority: AlertPriority.Low, ruleId: "spo2-very-low");
        await runtime.Workflows.PublishAsync(runtime.Client, [later]);
        var laterState = await DurableRuntime.EventuallyAsync(() => runtime.Escalations.Alerts.GetValueOrDefault(later.AlertId), s => s is not null, "the new alert's state");
        var sent = await DurableRuntime.EventuallyAsync(
            () => runtime.SentTo(alert.PatientId), s => s.Count(n => n.Subject == alert.AlertId) >= 2 && s.Any(n => n.Subject == later.AlertId), "both snoozes to end");

        Assert.Equal(DecisionOutcome.Applied, outcome);
        Assert.Equal((AlertStatus.Snoozed, until), (laterState!.Status, laterState.SnoozedUntil));
        Assert.Equal(
            [(NotificationKind.AlertTriggered, "role:nurse"), (NotificationKind.AlertTriggered, "role:nurse")],
            sent.Where(n => n.Subject == alert.AlertId).Take(2).Select(n => (n.Kind, Assert.Single(n.Recipients))));
        Assert.All(runtime.Deliveries.Where(d => d.Notification.PatientId == alert.PatientId).Skip(1), d => Assert.True(d.SentAt >= until));
        Assert.Contains(runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Action == "snooze-ended");
        await ResolveAsync(alert);
        await ResolveAsync(later);
    }

    [Fact]
    public async Task SameEpisodeRaisedAgain_OneInstance_LevelOneNotifiedOnce()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-twice");

        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");
        var created = (await runtime.Client.GetInstanceAsync(alert.AlertId))!.CreatedAt;
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        // Resolving and waiting for the end flushes whatever a second start would have done.
        await ResolveAsync(alert);

        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertResolved], runtime.SentTo(alert.PatientId).Select(n => n.Kind));
        Assert.Equal(created, (await runtime.Client.GetInstanceAsync(alert.AlertId))!.CreatedAt);
        Assert.Single(runtime.StepsOf(alert.PatientId, alert.AlertId), s => s.Action == "level-notified");
        Assert.Single(runtime.ActivityRuns, r => r.InstanceId == alert.AlertId && r.Activity == WorkflowActivities.ActiveSnoozes);
    }

    private async Task ResolveAsync(AlertRaised alert)
    {
        await runtime.Alerts().SendAsync(alert.AlertId, new ResolveAlert("nurse-1", DateTimeOffset.UtcNow));
        await runtime.WaitForStatusAsync(alert.AlertId, OrchestrationRuntimeStatus.Completed);
    }

    private static AlertRegraded Regraded(AlertRaised alert, string ruleId, AlertPriority priority)
    {
        var now = DateTimeOffset.UtcNow;
        return new(alert.AlertId, alert.DedupKey, alert.PatientId, ruleId, ruleId, priority, alert.Category, now, 8, "", "rd-" + ruleId, now);
    }
}
