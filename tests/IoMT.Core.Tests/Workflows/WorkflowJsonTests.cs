using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;

namespace IoMT.Core.Tests.Workflows;

public sealed class WorkflowJsonTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);

    private static readonly AlertRaised Alert = new("p-1:spo2-low:20261121T070000000Z", "p-1:spo2-low", "p-1", "spo2-low", "SpO2 low", AlertPriority.High,
        AlertCategory.VitalSign, AlertDirection.Low, T0, T0, 88, "59408-5", "%", "rd_1");

    [Fact]
    public void EscalationState_RoundTrips_AndDecidesTheSameAfterwards()
    {
        var started = EscalationDecider.Start(Alert, DefaultEscalationPolicies.Urgent, []);
        var acknowledged = EscalationDecider.Decide(started.State, new AcknowledgeAlert("nurse-7", T0.AddMinutes(1))).State;

        var restored = WorkflowJson.Deserialize<EscalationState>(WorkflowJson.Serialize(acknowledged));
        var input = new TimerFired(acknowledged.Timer!.Id, acknowledged.Timer.Due);

        Assert.Equal(WorkflowJson.Serialize(acknowledged), WorkflowJson.Serialize(restored));
        Assert.Equal(
            WorkflowJson.Serialize(WorkflowEffects.For(acknowledged, EscalationDecider.Decide(acknowledged, input).Commands, input.At)),
            WorkflowJson.Serialize(WorkflowEffects.For(restored, EscalationDecider.Decide(restored, input).Commands, input.At)));
    }

    [Fact]
    public void EscalationState_StoredBeforeAlertsKeptTheirLimit_Loads_WithoutOne()
    {
        var stored = WorkflowJson.Serialize(EscalationDecider.Start(Alert with { Limit = 90 }, DefaultEscalationPolicies.Urgent, []).State);
        Assert.Contains("\"limit\":90", stored, StringComparison.Ordinal);

        var older = WorkflowJson.Deserialize<EscalationState>(stored.Replace(",\"limit\":90", "", StringComparison.Ordinal));

        Assert.Equal((Alert.AlertId, null), (older.Alert.AlertId, AlertView.From(older).Limit));
        Assert.Equal(90, AlertView.From(WorkflowJson.Deserialize<EscalationState>(stored)).Limit);
    }

    [Fact]
    public void Effects_OfAStart_AreTheLevelNotificationAndItsStep_WithStableIds()
    {
        var decision = EscalationDecider.Start(Alert, DefaultEscalationPolicies.Urgent, []);

        var effects = WorkflowEffects.For(decision.State, decision.Commands, T0);
        var again = WorkflowEffects.For(decision.State, decision.Commands, T0);

        var notify = Assert.Single(effects.OfType<NotifyEffect>()).Notification;
        Assert.Equal((NotificationKind.AlertTriggered, Alert.AlertId, "role:nurse"), (notify.Kind, notify.Subject, notify.Recipients.Single()));
        var step = Assert.Single(effects.OfType<TimelineEffect>()).Record;
        Assert.Equal((TimelineEntryType.Escalation, Alert.AlertId, "p-1"), (step.Type, step.Code, step.PatientId));
        Assert.Equal(effects.Select(e => e.Key), again.Select(e => e.Key));
        Assert.IsType<NotifyEffect>(WorkflowJson.Deserialize<WorkflowEffect>(WorkflowJson.Serialize<WorkflowEffect>(effects[0])));
    }

    [Fact]
    public void DefaultPolicies_AreValid_AndChosenByPriorityAndCategory()
    {
        Assert.All(DefaultEscalationPolicies.All, p => Assert.Empty(EscalationPolicies.Validate(p)));
        Assert.Equal("urgent", DefaultEscalationPolicies.For([], Alert).Id);
        Assert.Equal("standard", DefaultEscalationPolicies.For([], Alert with { Priority = AlertPriority.Medium }).Id);
        Assert.Equal("technical", DefaultEscalationPolicies.For([], Alert with { Priority = AlertPriority.Low, Category = AlertCategory.Technical }).Id);
    }
}
