using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Pipeline;

public class PatientStateTests
{
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    [Fact]
    public void RuleStates_PolicyEdited_KeepsTheStateOfRulesItKeeps()
    {
        var state = new PatientState("p-1");
        var before = AlertRuleSet.Defaults;
        var spo2 = Index(before, "spo2-low");
        state.RuleStates(before)[spo2] = new RuleState(T0, T0, T0);

        var edited = new AlertRuleSet(DefaultAlertRules.All.Where(r => r.Id != "heart-rate-high").Reverse());
        var states = state.RuleStates(edited);

        Assert.Equal(new RuleState(T0, T0, T0), states[Index(edited, "spo2-low")]);
        Assert.True(state.Rules["spo2-low"].IsActive);
    }

    [Fact]
    public void Align_RuleWithOpenEpisodeRemovedOrDisabled_EpisodeClosedAndStateDropped()
    {
        var state = new PatientState("p-1");
        state.RuleStates(AlertRuleSet.Defaults)[Index(AlertRuleSet.Defaults, "spo2-low")] = new RuleState(T0, null, T0);
        state.RuleStates(AlertRuleSet.Defaults)[Index(AlertRuleSet.Defaults, "glucose-low")] = new RuleState(T0, null, T0.AddMinutes(1));

        var withoutSpo2 = new AlertRuleSet(DefaultAlertRules.All.Where(r => r.Id != "spo2-low"))
            .WithOverrides(new Dictionary<string, RuleOverride> { ["glucose-low"] = new() { Enabled = false } });
        var closed = state.Align(withoutSpo2);

        Assert.Equal([("glucose-low", T0.AddMinutes(1)), ("spo2-low", T0)], closed.OrderBy(c => c.RuleId));
        Assert.Empty(state.Rules);
        Assert.False(state.RuleStates(AlertRuleSet.Defaults)[Index(AlertRuleSet.Defaults, "spo2-low")].IsActive);
    }

    [Fact]
    public void Align_SameRuleSet_NothingClosed()
    {
        var state = new PatientState("p-1");
        state.RuleStates(AlertRuleSet.Defaults)[0] = new RuleState(T0, null, T0);

        Assert.Empty(state.Align(AlertRuleSet.Defaults));
    }

    [Fact]
    public void Rules_LoadedFromStorage_AlignedOnFirstUse()
    {
        var state = new PatientState("p-1") { Rules = new Dictionary<string, RuleState> { ["glucose-low"] = new(T0, null, T0) } };

        var states = state.RuleStates(AlertRuleSet.Defaults);

        Assert.True(states[Index(AlertRuleSet.Defaults, "glucose-low")].IsActive);
        Assert.Single(state.Rules);
    }

    private static int Index(AlertRuleSet set, string id) => set.Rules.Select((rule, index) => (rule, index)).Single(x => x.rule.Id == id).index;
}
