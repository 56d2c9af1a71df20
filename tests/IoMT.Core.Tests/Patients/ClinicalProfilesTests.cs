using IoMT.Core.Alerts;
using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Patients;

public class ClinicalProfilesTests
{
    private static readonly ClinicalSettings Copd = new()
    {
        Spo2Scale = 2,
        Limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal) { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88 } },
        Baselines = new() { BestPeakFlow = 420, BestFev1 = 2.1 },
        WeightGain = new() { DayKg = 1.5 },
    };

    [Fact]
    public void Profile_CarriesTheSettings_RulesWithTheLimitsApplied()
    {
        var profile = new ClinicalProfiles(new InMemoryClinicalSettingsStore()).ProfileOf("patient-1", Copd);

        Assert.Equal(("patient-1", 2, Copd.Baselines, Copd.WeightGain), (profile.PatientId, profile.Spo2Scale, profile.Baselines, profile.WeightGain));
        var spo2 = profile.Rules.Rules.Single(r => r.Id == "spo2-low");
        Assert.Equal((85.0, 88.0), (spo2.RaiseAt, spo2.ClearAt));
        Assert.Equal(AlertRuleSet.Defaults.Rules.Single(r => r.Id == "heart-rate-high"), profile.Rules.Rules.Single(r => r.Id == "heart-rate-high"));
    }

    [Fact]
    public async Task Load_SameLimitsLoadedAgain_TheSameRuleSet_OtherLimitsAnother_NoLimitsTheOrganizations()
    {
        var store = new InMemoryClinicalSettingsStore();
        var profiles = new ClinicalProfiles(store);
        await SaveAsync(store, "patient-1", Copd);
        await SaveAsync(store, "patient-2", Copd with { Spo2Scale = 1, Baselines = new() });
        await SaveAsync(store, "patient-3", new ClinicalSettings { Spo2Scale = 2 });
        await SaveAsync(store, "patient-4", Copd with
        {
            Limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal) { ["spo2-low"] = new() { RaiseAt = 86, ClearAt = 88 } },
        });

        var first = (await profiles.LoadAsync(["patient-1", "patient-2", "patient-3", "patient-4", "patient-5"])).ToDictionary(p => p.PatientId);
        var again = (await profiles.LoadAsync(["patient-1"])).Single();

        Assert.Equal(4, first.Count);
        Assert.Same(first["patient-1"].Rules, again.Rules);
        Assert.Same(first["patient-1"].Rules, first["patient-2"].Rules);
        Assert.Same(profiles.OrganizationRules, first["patient-3"].Rules);
        Assert.NotSame(first["patient-1"].Rules, first["patient-4"].Rules);
    }

    [Fact]
    public void RulesFor_OverridesTheOrganizationNoLongerAccepts_LeftOut()
    {
        var organization = AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { ClearAt = 95 } });
        var profiles = new ClinicalProfiles(new InMemoryClinicalSettingsStore(), organization);
        // Saved against clearAt 92; the organization's clearAt 95 would now make raiseAt 94 fine, but raiseAt 96 breaks hysteresis.
        var broken = new ClinicalSettings { Limits = new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 96 }, ["gone"] = new() { Enabled = false } } };

        Assert.Same(organization, profiles.RulesFor(broken));
        Assert.Equal(95, profiles.RulesFor(new ClinicalSettings()).Rules.Single(r => r.Id == "spo2-low").ClearAt);
    }

    private static Task SaveAsync(InMemoryClinicalSettingsStore store, string patientId, ClinicalSettings settings) =>
        store.SaveAsync(patientId, new ClinicalSettingsChange(DateTimeOffset.UnixEpoch, "dr-who", "test", ClinicalSettings.Default, settings));
}
