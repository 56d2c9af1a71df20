using IoMT.Core.Alerts;

namespace IoMT.Core.Tests.Alerts;

public class AlertRuleTests
{
    private static readonly AlertRule Spo2Low = DefaultAlertRules.All.Single(r => r.Id == "spo2-low");
    private static readonly AlertRule HeartRateHigh = DefaultAlertRules.All.Single(r => r.Id == "heart-rate-high");

    [Theory]
    [InlineData(89.9, Condition.Raise)]
    [InlineData(90, Condition.Hold)]
    [InlineData(91.9, Condition.Hold)]
    [InlineData(92, Condition.Clear)]
    [InlineData(99, Condition.Clear)]
    public void Evaluate_LowStrictRule_RaiseBelowHoldInBandClearAtOrAbove(double value, Condition expected) =>
        Assert.Equal(expected, Spo2Low.Evaluate(value));

    [Theory]
    [InlineData(131, Condition.Raise)]
    [InlineData(130.9, Condition.Hold)]
    [InlineData(121, Condition.Hold)]
    [InlineData(120, Condition.Clear)]
    public void Evaluate_HighInclusiveRule_RaiseAtOrAbove(double value, Condition expected) =>
        Assert.Equal(expected, HeartRateHigh.Evaluate(value));

    [Fact]
    public void Evaluate_CodeRule_RaiseOnListedCodeClearOnAnyOther()
    {
        var rule = DefaultAlertRules.All.Single(r => r.Id == "ecg-atrial-fibrillation");

        Assert.Equal(Condition.Raise, rule.Evaluate("afib"));
        Assert.Equal(Condition.Raise, rule.Evaluate("aflutter"));
        Assert.Equal(Condition.Clear, rule.Evaluate("sinus"));
    }

    [Fact]
    public void Defaults_AllValidWithSourcesAndUniqueIds()
    {
        Assert.All(DefaultAlertRules.All, rule =>
        {
            Assert.Empty(rule.Validate());
            Assert.False(string.IsNullOrWhiteSpace(rule.Source));
        });
        Assert.Equal(DefaultAlertRules.All.Count, DefaultAlertRules.All.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void Validate_LowRuleClearingBelowRaise_ReportsHysteresis()
    {
        var rule = Spo2Low with { ClearAt = 85 };

        Assert.Contains(rule.Validate(), problem => problem.Contains("hysteresis", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    public void Validate_BadId_Reported(string id) => Assert.NotEmpty((Spo2Low with { Id = id }).Validate());

    [Fact]
    public void Validate_ThresholdRuleWithoutThresholds_Reported() =>
        Assert.NotEmpty((Spo2Low with { RaiseAt = null }).Validate());

    [Fact]
    public void RuleSet_PatientOverride_ChangesOnlyThatPatientsRule()
    {
        var overrides = new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 88, ClearAt = 90, SustainFor = TimeSpan.FromSeconds(30) } };

        var patient = new AlertRuleSet(DefaultAlertRules.All, overrides);

        var rule = patient.For(Signal.Spo2)[0].Rule;
        Assert.Equal((88.0, 90.0, TimeSpan.FromSeconds(30)), (rule.RaiseAt!.Value, rule.ClearAt!.Value, rule.SustainFor));
        Assert.Equal(90, AlertRuleSet.Defaults.For(Signal.Spo2)[0].Rule.RaiseAt);
    }

    [Fact]
    public void WithOverrides_PatientOverOrganizationOverDefaults()
    {
        var organization = new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 88, ClearAt = 91 }, ["glucose-high"] = new() { Enabled = false } };
        var patient = new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 84, ClearAt = 86 } };

        var set = AlertRuleSet.Defaults.WithOverrides(organization).WithOverrides(patient);

        var spo2 = set.For(Signal.Spo2)[0].Rule;
        Assert.Equal((84.0, 86.0, TimeSpan.FromSeconds(15)), (spo2.RaiseAt!.Value, spo2.ClearAt!.Value, spo2.SustainFor));
        Assert.DoesNotContain(set.For(Signal.Glucose).ToArray(), r => r.Rule.Id == "glucose-high");
    }

    [Fact]
    public void WithOverrides_UnknownRule_RefusedByName()
    {
        var error = Assert.Throws<InvalidAlertRulesException>(() =>
            AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride> { ["spo2-lo"] = new() { RaiseAt = 88 } }));

        Assert.Contains("spo2-lo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleSet_DisabledRule_NotEvaluatedButListed()
    {
        var set = new AlertRuleSet(DefaultAlertRules.All, new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { Enabled = false } });

        Assert.Equal(0, set.For(Signal.Spo2).Length);
        Assert.Contains(set.Rules, r => r.Id == "spo2-low" && !r.Enabled);
    }

    [Fact]
    public void RuleSet_IndexesAreRulePositions()
    {
        var set = AlertRuleSet.Defaults;

        Assert.All(Enum.GetValues<Signal>(), signal =>
        {
            foreach (var indexed in set.For(signal))
            {
                Assert.Same(set.Rules[indexed.Index], indexed.Rule);
            }
        });
    }

    [Fact]
    public void RuleSet_InvalidOverride_ThrowsWithEveryProblem()
    {
        var overrides = new Dictionary<string, RuleOverride>
        {
            ["spo2-low"] = new() { ClearAt = 80 },
            ["heart-rate-high"] = new() { ClearAt = 140 },
        };

        var error = Assert.Throws<InvalidAlertRulesException>(() => new AlertRuleSet(DefaultAlertRules.All, overrides));

        Assert.Equal(2, error.Problems.Count);
    }

    [Fact]
    public void RuleSet_DuplicateIds_Rejected()
    {
        Assert.Throws<InvalidAlertRulesException>(() => new AlertRuleSet([Spo2Low, Spo2Low]));
    }

    [Fact]
    public void AlertIds_DeterministicAndSafeForInstanceIds()
    {
        var key = AlertIds.DedupKey("patient-7", "spo2-low");
        var id = AlertIds.For(key, new DateTimeOffset(2026, 11, 21, 9, 30, 15, 250, TimeSpan.FromHours(1)));

        Assert.Equal("patient-7:spo2-low", key);
        Assert.Equal("patient-7:spo2-low:20261121T083015250Z", id);
        Assert.DoesNotContain(id, c => c is '/' or '\\' or '#' or '?');
    }
}
