using IoMT.Core.Alerts;
using IoMT.Core.Escalation;

namespace IoMT.Core.Tests.Escalation;

internal static class EscalationFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 3, 0, 0, TimeSpan.Zero);

    public static readonly EscalationTarget Nurses = new(TargetKind.Role, "nurse");
    public static readonly EscalationTarget Coordinators = new(TargetKind.Role, "care-coordinator");
    public static readonly EscalationTarget OnCallPhysician = new(TargetKind.OnCall, "physicians");

    /// <summary>Nurses, then coordinators after 2 min, then the on-call physician after 5 more; one repeat.</summary>
    public static EscalationPolicy Policy(TimeSpan? ackTimeout = null, bool autoResolve = true, int repeats = 1) => new()
    {
        Id = "vitals-high",
        Levels =
        [
            new(TimeSpan.FromMinutes(2), [Nurses], ["console", "sms"]),
            new(TimeSpan.FromMinutes(5), [Coordinators], ["console", "teams"]),
            new(TimeSpan.FromMinutes(10), [OnCallPhysician], ["pagerduty"]),
        ],
        Repeats = repeats,
        AckTimeout = ackTimeout,
        AutoResolveOnClear = autoResolve,
    };

    public static AlertRaised Alert(
        DateTimeOffset? at = null, string patientId = "patient-1", AlertCategory category = AlertCategory.VitalSign, AlertDirection direction = AlertDirection.Low)
    {
        var start = at ?? T0;
        var dedup = AlertIds.DedupKey(patientId, "spo2-low");
        return new AlertRaised(AlertIds.For(dedup, start), dedup, patientId, "spo2-low", "SpO2 low", AlertPriority.High, category, direction,
            start, start, 86, null, "%", "reading-1");
    }

    public static EscalationDecision Start(EscalationPolicy? policy = null, AlertRaised? alert = null, params SnoozeScope[] snoozes) =>
        EscalationDecider.Start(alert ?? Alert(), policy ?? Policy(), snoozes);

    /// <summary>Fires the pending timer at its due time.</summary>
    public static EscalationDecision FireTimer(EscalationState state) =>
        EscalationDecider.Decide(state, new TimerFired(state.Timer!.Id, state.Timer.Due));

    public static T Single<T>(EscalationDecision decision)
        where T : EscalationCommand => Assert.Single(decision.Commands.OfType<T>());
}
