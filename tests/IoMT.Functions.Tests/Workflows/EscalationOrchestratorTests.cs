using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Functions.Workflows;
using IoMT.Testing;

namespace IoMT.Functions.Tests.Workflows;

public class EscalationOrchestratorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly DurableTestHost _host = new(T0);

    [Fact]
    public async Task AlertRaisedTwice_OneInstanceNamedByTheAlert_LevelOneNotifiedOnce()
    {
        var alert = WorkflowFixtures.Raised(T0);

        await _host.PublishAsync(alert);
        await _host.PublishAsync(alert);

        var instance = Assert.Single(_host.Instances);
        Assert.Equal(alert.AlertId, instance.Key);
        var sent = Assert.Single(_host.Notifier.Sent);
        Assert.Equal((NotificationKind.AlertTriggered, "role:nurse"), (sent.Kind, Assert.Single(sent.Recipients)));
        Assert.Equal(AlertStatus.Triggered, _host.Alert(alert.AlertId)!.Status);
        Assert.Equal("urgent", _host.Alert(alert.AlertId)!.Policy.Id);
        Assert.Contains(_host.Timeline.All, r => r.Type == TimelineEntryType.Escalation && r.Code == alert.AlertId);
        Assert.Equal(T0.AddMinutes(2).UtcDateTime, instance.Value.NextTimer);
    }

    [Fact]
    public async Task NobodyAcknowledges_EveryLevelOfEveryPassNotifiedOnceInOrder_ThenExhausted()
    {
        var alert = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(alert);

        for (var minute = 1; minute <= 120; minute++)
        {
            _host.AdvanceTo(T0.AddMinutes(minute));
        }

        var recipients = _host.Notifier.Sent.Select(n => Assert.Single(n.Recipients)).ToList();
        Assert.Equal(Enumerable.Repeat(new[] { "role:nurse", "role:care-coordinator", "role:physician" }, 3).SelectMany(r => r), recipients);
        Assert.True(_host.Alert(alert.AlertId)!.Exhausted);
        Assert.Null(_host.Instances[alert.AlertId].NextTimer);
        Assert.False(_host.Instances[alert.AlertId].IsCompleted);
    }

    [Fact]
    public async Task AcknowledgedAfterLevelTwo_NoLaterLevel_UntilTheAckTimesOut()
    {
        var alert = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(alert);
        _host.AdvanceTo(T0.AddMinutes(3));
        var alerts = Alerts();

        Assert.Equal(DecisionOutcome.Applied, await alerts.SendAsync(alert.AlertId, new AcknowledgeAlert("nurse-1", T0.AddMinutes(3))));
        _host.AdvanceTo(T0.AddMinutes(32));

        Assert.Equal(
            [NotificationKind.AlertTriggered, NotificationKind.AlertTriggered, NotificationKind.AlertAcknowledged],
            _host.Notifier.Sent.Select(n => n.Kind));
        Assert.Equal(("nurse-1", AlertStatus.Acknowledged), (_host.Alert(alert.AlertId)!.AcknowledgedBy, _host.Alert(alert.AlertId)!.Status));

        _host.AdvanceTo(T0.AddMinutes(33));
        Assert.Equal(NotificationKind.AlertTriggered, _host.Notifier.Sent.Last().Kind);
        Assert.Equal("role:nurse", Assert.Single(_host.Notifier.Sent.Last().Recipients));
    }

    [Fact]
    public async Task ConditionClears_AutoResolved_InstanceEnds_LaterEventsIgnored()
    {
        var alert = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(alert);

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        var cleared = new AlertCleared(alert.AlertId, alert.DedupKey, alert.PatientId, alert.RuleId, T0.AddMinutes(1), 95, "59408-5", "%", "rd-2");
        await _host.PublishAsync(cleared);
        await _host.PublishAsync(cleared);

        Assert.True(_host.Instances[alert.AlertId].IsCompleted);
        Assert.Equal((AlertStatus.Resolved, EscalationDecider.SystemActor), (_host.Alert(alert.AlertId)!.Status, _host.Alert(alert.AlertId)!.ResolvedBy));
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertResolved], _host.Notifier.Sent.Select(n => n.Kind));
        Assert.Single(_host.RaisedEvents, e => e.Name == DurableEvents.Clear);
    }

    [Fact]
    public async Task Replay_OfTheWholeHistory_RunsNoActivityAgainLogsNothing_ThenCarriesOnLive()
    {
        var alert = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(alert);
        _host.AdvanceTo(T0.AddMinutes(3));
        await Alerts().SendAsync(alert.AlertId, new SnoozeAlert("nurse-1", T0.AddMinutes(3), T0.AddMinutes(13)));
        var notified = _host.Notifier.Sent.Count;
        var history = _host.Instances[alert.AlertId].History.Count;

        var replay = _host.Replay(alert.AlertId, _host.Inputs[alert.AlertId]);

        Assert.Equal(0, replay.ActivitiesRun);
        Assert.Empty(replay.Logs);
        Assert.True(replay.IsReplaying);
        Assert.Equal(history, replay.History.Count);
        Assert.Equal(T0.AddMinutes(13).UtcDateTime, replay.NextTimer);

        _host.AdvanceTo(T0.AddMinutes(13));
        Assert.Equal(notified + 1, _host.Notifier.Sent.Count);
        Assert.NotEmpty(replay.Logs);
    }

    [Fact]
    public async Task Replay_WithAnotherPolicyThanRecorded_DetectedAsNonDeterministic()
    {
        var alert = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(alert);
        _host.AdvanceTo(T0.AddMinutes(3));

        var changed = DurablePayloads.Write(new EscalationRun(alert, DefaultEscalationPolicies.Standard));

        var error = Assert.Throws<InvalidOperationException>(() => _host.Replay(alert.AlertId, changed));
        Assert.Contains("Non-deterministic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyEvents_ContinuesAsNewWithItsState_NothingLostNothingRepeated()
    {
        var alert = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(alert);
        var ack = DurablePayloads.Write(new AcknowledgeAlert("nurse-1", T0));

        for (var i = 0; i < OrchestrationSteps.DecisionsPerGeneration + 20; i++)
        {
            await _host.RaiseEventAsync(alert.AlertId, DurableEvents.Acknowledge, ack);
        }

        await _host.RaiseEventAsync(alert.AlertId, DurableEvents.Resolve, DurablePayloads.Write(new ResolveAlert("nurse-1", T0.AddMinutes(1))));

        Assert.Equal(1, _host.Generations[alert.AlertId]);
        Assert.True(_host.Instances[alert.AlertId].IsCompleted);
        Assert.True(_host.Instances[alert.AlertId].History.Count < 30);
        Assert.Equal(AlertStatus.Resolved, _host.Alert(alert.AlertId)!.Status);
        Assert.Equal(
            [NotificationKind.AlertTriggered, NotificationKind.AlertAcknowledged, NotificationKind.AlertResolved],
            _host.Notifier.Sent.Select(n => n.Kind));
    }

    [Fact]
    public async Task TransientActivityFailures_RetriedByPolicy_EachEffectOnce()
    {
        _host.FailNext[WorkflowActivities.RunEffect] = 3;
        _host.FailNext[WorkflowActivities.SaveEscalation] = 2;

        await _host.PublishAsync(WorkflowFixtures.Raised(T0));

        Assert.Single(_host.Notifier.Sent);
        Assert.Single(_host.Escalations.Alerts);
    }

    [Fact]
    public async Task ActivityFailingBeyondItsRetries_InstanceWaitsAndTriesAgain_NothingDropped()
    {
        var alert = WorkflowFixtures.Raised(T0);
        _host.FailNext[WorkflowActivities.SaveEscalation] = OrchestrationSteps.Retry.Retry!.Policy!.MaxNumberOfAttempts;

        await _host.PublishAsync(alert);
        Assert.Empty(_host.Notifier.Sent);
        Assert.Equal(T0.Add(OrchestrationSteps.Pause).UtcDateTime, _host.Instances[alert.AlertId].NextTimer);
        Assert.Contains(_host.Instances[alert.AlertId].Logs, l => l.Contains("SaveEscalation", StringComparison.Ordinal));

        _host.AdvanceTo(T0.Add(OrchestrationSteps.Pause));

        // Level 1 goes out once, late by the pause; level 2 was due meanwhile and follows at once.
        Assert.Equal(["role:nurse", "role:care-coordinator"], _host.Notifier.Sent.Select(n => Assert.Single(n.Recipients)));
        Assert.Equal(AlertStatus.Triggered, _host.Alert(alert.AlertId)!.Status);
    }

    [Fact]
    public async Task ActivityFailingForEveryRoundOfAGeneration_CarriedIntoTheNextGeneration_RunsOnceWhenBack()
    {
        var alert = WorkflowFixtures.Raised(T0);
        var attempts = OrchestrationSteps.Retry.Retry!.Policy!.MaxNumberOfAttempts;
        _host.FailNext[WorkflowActivities.RunEffect] = attempts * (OrchestrationSteps.RoundsPerGeneration + 1);
        await _host.PublishAsync(alert);

        for (var round = 1; round <= OrchestrationSteps.RoundsPerGeneration; round++)
        {
            _host.Advance(OrchestrationSteps.Pause);
        }

        await _host.RaiseEventAsync(alert.AlertId, DurableEvents.Acknowledge, DurablePayloads.Write(new AcknowledgeAlert("nurse-1", _host.Clock.GetUtcNow())));

        Assert.Equal(1, _host.Generations[alert.AlertId]);
        Assert.Empty(_host.Notifier.Sent);
        Assert.Contains("\"unfinished\"", _host.Inputs[alert.AlertId], StringComparison.Ordinal);

        _host.Advance(OrchestrationSteps.Pause);

        // Level 1 goes out once, hours late; the acknowledgement that came meanwhile is not lost and stops level 2.
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertAcknowledged], _host.Notifier.Sent.Select(n => n.Kind));
        Assert.Equal(AlertStatus.Acknowledged, _host.Alert(alert.AlertId)!.Status);
        Assert.True(_host.Instances[alert.AlertId].History.Count < 30);
    }

    [Fact]
    public async Task SnoozedByDirection_NewAlertOfThePatientInThatDirectionStartsSnoozed_OtherDirectionAlerts()
    {
        var first = WorkflowFixtures.Raised(T0);
        await _host.PublishAsync(first);
        await Alerts().SendAsync(first.AlertId, new SnoozeAlert("nurse-1", T0, T0.AddMinutes(60), SnoozeReach.Direction));
        _host.Clock.Advance(TimeSpan.FromMinutes(5));

        var sameDirection = WorkflowFixtures.Raised(T0.AddMinutes(5), ruleId: "spo2-very-low");
        var otherDirection = WorkflowFixtures.Raised(T0.AddMinutes(5), ruleId: "spo2-high", direction: AlertDirection.High);
        await _host.PublishAsync(sameDirection, otherDirection);

        Assert.Equal(AlertStatus.Snoozed, _host.Alert(sameDirection.AlertId)!.Status);
        Assert.Equal(AlertStatus.Triggered, _host.Alert(otherDirection.AlertId)!.Status);
        Assert.Equal(T0.AddMinutes(60).UtcDateTime, _host.Instances[sameDirection.AlertId].NextTimer);
    }

    private DurableAlertWorkflows Alerts() => new(_host.Escalations, new DurableClientAccessor { Client = _host });
}
