using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Api;
using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Patients;

public class ClinicalSettingsServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Caller Physician = new("dr-who", new HashSet<Role> { Role.Physician }, new HashSet<string> { "copd-clinic" });
    private static readonly Caller OtherPhysician = new("dr-no", new HashSet<Role> { Role.Physician }, new HashSet<string> { "ward-9" });
    private static readonly Caller Nurse = new("nurse", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "copd-clinic" });
    private static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());

    private readonly InMemoryClinicalSettingsStore _store = new();
    private readonly InMemoryPatientDirectory _patients = new();
    private readonly ManualClock _clock = new(T0);
    private readonly ClinicalSettingsService _service;

    public ClinicalSettingsServiceTests()
    {
        _patients.SaveAsync(new PatientRecord("patient-1", ["copd-clinic"])).GetAwaiter().GetResult();
        _service = new ClinicalSettingsService(_patients, _store, new ClinicalProfiles(_store), _clock);
    }

    [Fact]
    public async Task Save_PhysicianOfTheCareTeam_SavedRecordedAndShownWithEffectiveRules()
    {
        var saved = await _service.SaveAsync(Physician, "patient-1", Request(reason: "  COPD with a prescribed 88–92 % target  "));

        var view = saved.Value!;
        Assert.Equal((2, "dr-who", T0, "COPD with a prescribed 88–92 % target"), (view.Spo2Scale, view.ChangedBy, view.ChangedAt, view.Reason));
        var spo2 = Assert.Single(view.EffectiveRules, r => r.Id == "spo2-low");
        Assert.Equal((85.0, 88.0, "medium", 20.0, true), (spo2.RaiseAt, spo2.ClearAt, spo2.Priority, spo2.SustainForSeconds, spo2.Overridden));
        var heartRate = Assert.Single(view.EffectiveRules, r => r.Id == "heart-rate-high");
        Assert.Equal((131.0, "medium", false), (heartRate.RaiseAt, heartRate.Priority, heartRate.Overridden));
        Assert.Equal(AlertRuleSet.Defaults.Rules.Select(r => r.Id), view.EffectiveRules.Select(r => r.Id));
        var read = (await _service.GetAsync(Nurse, "patient-1")).Value!;
        Assert.Equal((2, "dr-who", T0, view.Reason), (read.Spo2Scale, read.ChangedBy, read.ChangedAt, read.Reason));
        Assert.Equal(view.EffectiveRules, read.EffectiveRules);
        Assert.Equal((420.0, 2.1), (read.Baselines.BestPeakFlow, read.Baselines.BestFev1));
    }

    [Fact]
    public async Task Save_Twice_HistoryNewestFirstWithPreviousAndTheProductsClock()
    {
        await _service.SaveAsync(Physician, "patient-1", Request(reason: "first"));
        _clock.Advance(TimeSpan.FromHours(1));
        await _service.SaveAsync(Physician, "patient-1", new ClinicalSettingsRequest(null, null, null, null, "back to scale 1"));

        var history = (await _service.HistoryAsync(Nurse, "patient-1", ClinicalSettingsService.DefaultHistoryLimit)).Value!;

        Assert.Equal(["back to scale 1", "first"], history.Select(c => c.Reason));
        Assert.Equal([T0.AddHours(1), T0], history.Select(c => c.At));
        Assert.Equal((2, 1), (history[0].Previous.Spo2Scale, history[0].Settings.Spo2Scale));
        Assert.Equal(85, history[0].Previous.Limits["spo2-low"].RaiseAt);
        Assert.Empty(history[0].Settings.Limits);
        Assert.Equal(1, history[1].Previous.Spo2Scale);
        Assert.Single((await _service.HistoryAsync(Nurse, "patient-1", 1)).Value!);
    }

    [Fact]
    public async Task Get_NeverSet_DefaultsWithoutAChange()
    {
        var view = (await _service.GetAsync(Physician, "patient-1")).Value!;

        Assert.Equal((1, null, null, null), (view.Spo2Scale, view.ChangedAt, view.ChangedBy, view.Reason));
        Assert.Empty(view.Limits);
        Assert.All(view.EffectiveRules, r => Assert.False(r.Overridden));
    }

    [Fact]
    public async Task Get_LimitsTheOrganizationsRulesNoLongerAccept_NotShownAsOverridden()
    {
        Assert.True((await _service.SaveAsync(Physician, "patient-1", Request(limits: new() { ["glucose-low"] = new() { ClearAt = 75 } }))).IsSuccess);

        // The organization then has low glucose raise below 80: the patient's clear at 75 would be on the wrong side of it,
        // so their limits are left out and the organization's rules apply.
        var organization = AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride>(StringComparer.Ordinal)
        {
            ["glucose-low"] = new() { RaiseAt = 80, ClearAt = 85 },
        });
        var view = (await new ClinicalSettingsService(_patients, _store, new ClinicalProfiles(_store, organization), _clock).GetAsync(Physician, "patient-1")).Value!;

        var low = Assert.Single(view.EffectiveRules, r => r.Id == "glucose-low");
        Assert.Equal((80.0, 85.0, false), (low.RaiseAt, low.ClearAt, low.Overridden));
        Assert.Equal(75, view.Limits["glucose-low"].ClearAt);
    }

    [Fact]
    public async Task Get_LimitsPuttingAFamilyOutOfOrderSinceTheOrganizationMovedItsRules_LeftOut()
    {
        Assert.True((await _service.SaveAsync(Physician, "patient-1", Request(limits: new() { ["glucose-low"] = new() { RaiseAt = 60, ClearAt = 65 } }))).IsSuccess);

        // The organization then has urgent low raise below 62: the patient's low at 60 would raise after the urgent one.
        var organization = AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride>(StringComparer.Ordinal)
        {
            ["glucose-urgent-low"] = new() { RaiseAt = 62, ClearAt = 66 },
        });
        var view = (await new ClinicalSettingsService(_patients, _store, new ClinicalProfiles(_store, organization), _clock).GetAsync(Physician, "patient-1")).Value!;

        var low = Assert.Single(view.EffectiveRules, r => r.Id == "glucose-low");
        Assert.Equal((70.0, false), (low.RaiseAt, low.Overridden));
        Assert.Equal(62, Assert.Single(view.EffectiveRules, r => r.Id == "glucose-urgent-low").RaiseAt);
    }

    [Fact]
    public async Task Save_OnlyPhysiciansOfTheCareTeams_OthersRefusedAndNothingWritten()
    {
        Assert.Equal(403, (await _service.SaveAsync(Admin, "patient-1", Request())).Error!.Status);
        Assert.Equal(403, (await _service.SaveAsync(Nurse, "patient-1", Request())).Error!.Status);
        Assert.Equal(404, (await _service.SaveAsync(OtherPhysician, "patient-1", Request())).Error!.Status);
        Assert.Equal(404, (await _service.SaveAsync(Physician, "patient-2", Request())).Error!.Status);
        Assert.Equal(404, (await _service.GetAsync(OtherPhysician, "patient-1")).Error!.Status);
        Assert.Equal(404, (await _service.HistoryAsync(OtherPhysician, "patient-1", 10)).Error!.Status);

        Assert.Empty(await _store.HistoryAsync("patient-1", 10));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_001)]
    [InlineData(null)]
    public async Task History_LimitOutOfRange_ParameterInvalid(int? limit)
    {
        var error = (await _service.HistoryAsync(Nurse, "patient-1", limit)).Error!;

        Assert.Equal((ApiError.ParameterInvalid, "limit"), (error.Code, error.Field));
    }

    [Fact]
    public async Task Save_Invalid_PointerToTheMemberAndNothingWritten()
    {
        var error = (await _service.SaveAsync(Physician, "patient-1", Request(spo2Scale: 3))).Error!;

        Assert.Equal((400, ApiError.BodyInvalid, "/spo2Scale"), (error.Status, error.Code, error.Field));
        Assert.Empty(await _store.HistoryAsync("patient-1", 10));
    }

    public static TheoryData<ClinicalSettingsRequest, string> InvalidRequests => new()
    {
        { Request(spo2Scale: 0), "/spo2Scale" },
        { Request(limits: new() { ["spo2-lo"] = new() { RaiseAt = 85 } }), "/limits/spo2-lo" },
        { Request(limits: new() { ["a/b~c"] = new() }), "/limits/a~1b~0c" },
        { Request(limits: new() { ["spo2-low"] = null }), "/limits/spo2-low" },
        // Hysteresis: a low rule clears above where it raises.
        { Request(limits: new() { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 84 } }), "/limits/spo2-low/clearAt" },
        { Request(limits: new() { ["spo2-low"] = new() { RaiseAt = 93 } }), "/limits/spo2-low/raiseAt" },
        { Request(limits: new() { ["heart-rate-high"] = new() { ClearAt = 140 } }), "/limits/heart-rate-high/clearAt" },
        { Request(limits: new() { ["spo2-low"] = new() { RaiseAt = double.NaN } }), "/limits/spo2-low/raiseAt" },
        { Request(limits: new() { ["spo2-low"] = new() { SustainForSeconds = -1 } }), "/limits/spo2-low/sustainForSeconds" },
        { Request(limits: new() { ["spo2-low"] = new() { SustainForSeconds = 3_601 } }), "/limits/spo2-low/sustainForSeconds" },
        { Request(limits: new() { ["spo2-low"] = new() { Priority = "urgent" } }), "/limits/spo2-low/priority" },
        { Request(limits: new() { ["spo2-low"] = new() { Priority = "2" } }), "/limits/spo2-low/priority" },
        { Request(limits: new() { ["ecg-atrial-fibrillation"] = new() { RaiseAt = 1 } }), "/limits/ecg-atrial-fibrillation/raiseAt" },
        // Grades of a family in order: urgent low must raise below low.
        { Request(limits: new() { ["glucose-urgent-low"] = new() { RaiseAt = 72, ClearAt = 80 } }), "/limits/glucose-urgent-low/raiseAt" },
        { Request(limits: new() { ["news2-urgent"] = new() { RaiseAt = 8, ClearAt = 3 } }), "/limits/news2-urgent/raiseAt" },
        { Request(baselines: new() { BestPeakFlow = 29.9 }), "/baselines/bestPeakFlow" },
        { Request(baselines: new() { BestPeakFlow = 1_000.1 }), "/baselines/bestPeakFlow" },
        { Request(baselines: new() { BestFev1 = 0.09 }), "/baselines/bestFev1" },
        { Request(baselines: new() { BestFev1 = 8.01 }), "/baselines/bestFev1" },
        { Request(baselines: new() { DryWeight = 0.4 }), "/baselines/dryWeight" },
        { Request(baselines: new() { DryWeight = 500.1 }), "/baselines/dryWeight" },
        { Request(weightGain: new() { DayKg = 0.19 }), "/weightGain/dayKg" },
        { Request(weightGain: new() { DayKg = 0 }), "/weightGain/dayKg" },
        { Request(weightGain: new() { WeekKg = 10.1 }), "/weightGain/weekKg" },
        { Request(weightGain: new() { DayKg = 2, WeekKg = 1.5 }), "/weightGain/weekKg" },
        { Request(reason: null), "/reason" },
        { Request(reason: "   "), "/reason" },
        { Request(reason: new string('x', 501)), "/reason" },
        { Request(reason: "line\nbreak"), "/reason" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void Parse_Invalid_PointerToTheMemberAtFault(ClinicalSettingsRequest request, string pointer)
    {
        var (settings, _, error) = ClinicalSettingsService.Parse(request, AlertRuleSet.Defaults);

        Assert.Null(settings);
        Assert.Equal((ApiError.BodyInvalid, pointer), (error!.Code, error.Field));
    }

    public static TheoryData<ClinicalSettingsRequest> ValidRequests => new()
    {
        Request(),
        Request(spo2Scale: 1),
        new ClinicalSettingsRequest(null, null, null, null, "defaults"),
        Request(limits: new() { ["spo2-low"] = new() { RaiseAt = 92, ClearAt = 92 } }),
        Request(limits: new() { ["ecg-atrial-fibrillation"] = new() { Enabled = false, SustainForSeconds = 0, Priority = "HIGH" } }),
        Request(limits: new() { ["glucose-urgent-low"] = new() { RaiseAt = 70, ClearAt = 80 } }),
        Request(limits: new() { ["spo2-low"] = new() { SustainForSeconds = 3_600 } }),
        Request(baselines: new() { BestPeakFlow = 30, BestFev1 = 0.1, DryWeight = 0.5 }),
        Request(baselines: new() { BestPeakFlow = 1_000, BestFev1 = 8, DryWeight = 500 }),
        Request(weightGain: new() { DayKg = 0.2, WeekKg = 10 }),
        Request(weightGain: new() { DayKg = 1.5, WeekKg = 1.5, Enabled = false }),
        Request(reason: new string('x', 500)),
    };

    [Theory]
    [MemberData(nameof(ValidRequests))]
    public void Parse_AtTheLimits_Accepted(ClinicalSettingsRequest request)
    {
        var (settings, reason, error) = ClinicalSettingsService.Parse(request, AlertRuleSet.Defaults);

        Assert.Null(error);
        Assert.Equal(request.Spo2Scale ?? 1, settings!.Spo2Scale);
        Assert.Equal(request.Reason!.Trim(), reason);
        Assert.Equal((request.Limits?.Keys ?? Enumerable.Empty<string>()).Order(), settings.Limits.Keys.Order());
    }

    private static ClinicalSettingsRequest Request(
        int? spo2Scale = 2, Dictionary<string, RuleLimit?>? limits = null, PersonalBaselines? baselines = null, WeightGainLimits? weightGain = null,
        string? reason = "COPD") =>
        new(spo2Scale, limits ?? new() { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88, SustainForSeconds = 20, Priority = "medium" } },
            baselines ?? new() { BestPeakFlow = 420, BestFev1 = 2.1 }, weightGain, reason);
}
