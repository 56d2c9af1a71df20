using IoMT.Core.Alerts;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

public class AlertDeciderTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private static readonly TimeSpan Sustain = TimeSpan.FromSeconds(15);

    [Fact]
    public void Step_ConditionHeldForSustainDuration_RaisesWithEpisodeStartAtFirstReading()
    {
        var state = new RuleState();

        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0));
        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(14.999)));
        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(15)));
        Assert.Equal(T0, state.EpisodeStart);
    }

    [Fact]
    public void Step_ConditionInterruptedBeforeSustain_RestartsTheDelay()
    {
        var state = new RuleState();
        AlertDecider.Step(ref state, Condition.Raise, Sustain, T0);
        AlertDecider.Step(ref state, Condition.Hold, Sustain, T0.AddSeconds(10));

        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(12)));
        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(20)));
        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(27)));
        Assert.Equal(T0.AddSeconds(12), state.EpisodeStart);
    }

    [Fact]
    public void Step_NoSustain_RaisesOnFirstReading()
    {
        var state = new RuleState();

        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, TimeSpan.Zero, T0));
    }

    [Fact]
    public void Step_ConditionContinuesAfterRaise_OneAlertPerEpisode()
    {
        var state = Raised();

        for (var i = 1; i <= 100; i++)
        {
            Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(i)));
        }

        Assert.True(state.IsActive);
    }

    [Fact]
    public void Step_InHysteresisBandWhileActive_StaysOpen_ClearsOnlyOnClearCondition()
    {
        var state = Raised();

        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Hold, Sustain, T0.AddSeconds(1)));
        Assert.True(state.IsActive);
        Assert.Equal(RuleTransition.Cleared, AlertDecider.Step(ref state, Condition.Clear, Sustain, T0.AddSeconds(2)));
        Assert.False(state.IsActive);
        Assert.Null(state.PendingSince);
    }

    [Fact]
    public void Step_AfterClear_NewEpisodeNeedsTheSustainAgain()
    {
        var state = Raised();
        AlertDecider.Step(ref state, Condition.Clear, Sustain, T0.AddSeconds(1));

        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(2)));
        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(17)));
        Assert.Equal(T0.AddSeconds(2), state.EpisodeStart);
    }

    [Fact]
    public void Step_ReadingOlderThanLast_IgnoredAndStateUnchanged()
    {
        var state = new RuleState();
        AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(10));
        var before = state;

        Assert.Equal(RuleTransition.Ignored, AlertDecider.Step(ref state, Condition.Raise, Sustain, T0.AddSeconds(9.999)));
        Assert.Equal(RuleTransition.Ignored, AlertDecider.Step(ref state, Condition.Clear, Sustain, T0));
        Assert.Equal(before, state);
    }

    [Fact]
    public void Step_SameReadingTwice_RaisesOnce()
    {
        var state = new RuleState();

        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, TimeSpan.Zero, T0));
        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Raise, TimeSpan.Zero, T0));
    }

    [Fact]
    public void Step_ValuesMeasuredAtTheSameInstant_EachEvaluated()
    {
        var state = new RuleState();

        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Hold, TimeSpan.Zero, T0));
        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, TimeSpan.Zero, T0));
    }

    [Fact]
    public void Step_ClearNotAllowed_KeepsAlertOpen()
    {
        var state = Raised();

        Assert.Equal(RuleTransition.None, AlertDecider.Step(ref state, Condition.Clear, Sustain, T0.AddSeconds(1), mayClear: false));
        Assert.True(state.IsActive);
        Assert.Equal(RuleTransition.Cleared, AlertDecider.Step(ref state, Condition.Clear, Sustain, T0.AddSeconds(2), mayClear: true));
    }

    private static RuleState Raised()
    {
        var state = new RuleState();
        Assert.Equal(RuleTransition.Raised, AlertDecider.Step(ref state, Condition.Raise, TimeSpan.Zero, T0));
        return state;
    }
}
