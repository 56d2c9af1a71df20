using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using static IoMT.Core.Tests.Escalation.EscalationFixture;

namespace IoMT.Core.Tests.Escalation;

/// <summary>A family's alert changes grade in place: a worse grade tells the current escalation, a milder one nobody.</summary>
public class EscalationRegradeTests
{
    private static readonly AlertRaised Urgent = Alert() with { RuleId = "news2-urgent", Title = "NEWS2 5–6", Priority = AlertPriority.Medium };

    [Fact]
    public void WorseGrade_RaisedInPlace_EveryoneNotifiedHearsIt_EscalationKeepsItsPlace()
    {
        var second = FireTimer(Start(alert: Urgent).State).State;

        var worse = EscalationDecider.Decide(second, Emergency(T0.AddMinutes(3), Policy()));

        Assert.Equal(DecisionOutcome.Applied, worse.Outcome);
        Assert.Equal((Urgent.AlertId, "news2-emergency", AlertPriority.High), (worse.State.Alert.AlertId, worse.State.Alert.RuleId, worse.State.Alert.Priority));
        var notify = Single<NotifyLevel>(worse);
        Assert.Equal([Nurses, Coordinators], notify.Targets);
        Assert.Equal((1, second.Timer), (worse.State.Level, worse.State.Timer));
        Assert.Equal("priority-raised", Single<RecordStep>(worse).Action);
    }

    [Fact]
    public void MilderGrade_InPlace_NobodyNotified()
    {
        var emergency = EscalationDecider.Decide(Start(alert: Urgent).State, Emergency(T0.AddMinutes(1), Policy())).State;

        var milder = EscalationDecider.Decide(emergency, new GradeChanged(T0.AddMinutes(2), "news2-urgent", "NEWS2 5–6", AlertPriority.Medium, 5, "r-3", Policy()));

        Assert.Equal(AlertPriority.Medium, milder.State.Alert.Priority);
        Assert.Empty(milder.Commands.OfType<NotifyLevel>());
        Assert.Equal("priority-lowered", Single<RecordStep>(milder).Action);
        Assert.Equal(emergency.Timer, milder.State.Timer);
    }

    [Fact]
    public void Regrade_TheAlertTakesTheNewGradesLimit_ItsViewShowsIt()
    {
        var urgent = Start(alert: Urgent with { Limit = 5 }).State;

        var emergency = EscalationDecider.Decide(urgent, Emergency(T0.AddMinutes(1), Policy()) with { Limit = 7 }).State;

        Assert.Equal((5.0, 7.0), (AlertView.From(urgent).Limit, AlertView.From(emergency).Limit));
    }

    [Fact]
    public void SameGradeAgain_Duplicate()
    {
        var emergency = EscalationDecider.Decide(Start(alert: Urgent).State, Emergency(T0.AddMinutes(1), Policy())).State;

        var again = EscalationDecider.Decide(emergency, Emergency(T0.AddMinutes(1), Policy()));

        Assert.Equal(DecisionOutcome.Duplicate, again.Outcome);
        Assert.Empty(again.Commands);
    }

    [Fact]
    public void WorseGradeWithAFasterPolicy_MovesToIt_NextLevelNoLaterThanItsWait()
    {
        var slow = Policy() with { Id = "standard", Levels = [.. Policy().Levels.Select(l => l with { EscalateAfter = TimeSpan.FromMinutes(10) })] };

        var worse = EscalationDecider.Decide(Start(slow, Urgent).State, Emergency(T0.AddMinutes(1), Policy()));

        Assert.Equal("vitals-high", worse.State.Policy.Id);
        Assert.Equal((T0.AddMinutes(3), TimerPurpose.Escalate), (worse.State.Timer!.Due, worse.State.Timer.Purpose));
        Assert.Contains(worse.Commands.OfType<RecordStep>(), s => s.Action == "policy-changed");
    }

    private static GradeChanged Emergency(DateTimeOffset at, EscalationPolicy policy) =>
        new(at, "news2-emergency", "NEWS2 ≥ 7", AlertPriority.High, 8, "r-2", policy);
}
