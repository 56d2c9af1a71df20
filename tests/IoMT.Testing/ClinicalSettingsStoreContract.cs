using IoMT.Core.Alerts;
using IoMT.Core.Patients;
using Xunit;

namespace IoMT.Testing;

/// <summary>What every <see cref="IClinicalSettingsStore"/> must do; each store's tests derive from this.</summary>
public abstract class ClinicalSettingsStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected static ClinicalSettings Copd { get; } = new()
    {
        Spo2Scale = 2,
        Limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal)
        {
            ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88, SustainFor = TimeSpan.FromSeconds(20), Priority = AlertPriority.Medium },
            ["battery-low"] = new() { Enabled = false },
        },
        Baselines = new() { BestPeakFlow = 420, BestFev1 = 2.1 },
    };

    protected static ClinicalSettings HeartFailure { get; } = new()
    {
        Baselines = new() { DryWeight = 78.5 },
        WeightGain = new() { DayKg = 1.5, WeekKg = 2.5 },
    };

    private IClinicalSettingsStore? _store;

    protected IClinicalSettingsStore Store => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Why the store cannot be tested here (a live service not configured), or null.</summary>
    protected virtual string? SkipReason => null;

    protected abstract Task<IClinicalSettingsStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task FindMany_PatientsWithoutSettings_LeftOut()
    {
        await Store.SaveAsync("patient-1", Change(0, Copd));

        var found = await Store.FindManyAsync(["patient-1", "patient-2"]);

        Assert.Equal(["patient-1"], found.Keys);
        Assert.Empty(await Store.HistoryAsync("patient-2", 10));
    }

    [SkippableFact]
    public async Task Save_ThenFindMany_EachPatientsSettingsAsSaved()
    {
        await Store.SaveAsync("patient-1", Change(0, Copd));
        await Store.SaveAsync("patient-2", Change(0, HeartFailure));

        var found = await Store.FindManyAsync(["patient-2", "patient-1", "patient-1"]);

        Assert.Equal(2, found.Count);
        AssertSame(Copd, found["patient-1"]);
        AssertSame(HeartFailure, found["patient-2"]);
        Assert.Equal(TimeSpan.FromSeconds(20), found["patient-1"].Limits["spo2-low"].SustainFor);
        Assert.True(found["patient-2"].WeightGain!.Enabled);
    }

    [SkippableFact]
    public async Task History_NewestFirst_WithWhoWhenWhyAndBothSettings()
    {
        await Store.SaveAsync("patient-1", Change(0, Copd, "COPD: target 88–92 %"));
        await Store.SaveAsync("patient-1", Change(1, HeartFailure, "Also heart failure", actor: "dr-house"));
        await Store.SaveAsync("patient-1", Change(2, ClinicalSettings.Default, "Back to the defaults"));

        var history = await Store.HistoryAsync("patient-1", 10);

        Assert.Equal(["Back to the defaults", "Also heart failure", "COPD: target 88–92 %"], history.Select(c => c.Reason));
        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(1), T0], history.Select(c => c.At));
        Assert.Equal("dr-house", history[1].Actor);
        AssertSame(Copd, history[1].Previous);
        AssertSame(HeartFailure, history[1].Settings);
        AssertSame(ClinicalSettings.Default, history[2].Previous);
        Assert.Equal(["Back to the defaults"], (await Store.HistoryAsync("patient-1", 1)).Select(c => c.Reason));
        AssertSame(ClinicalSettings.Default, (await Store.FindManyAsync(["patient-1"]))["patient-1"]);
    }

    [SkippableFact]
    public async Task Save_StalePrevious_RecordsWhatTheStoreHeld()
    {
        await Store.SaveAsync("patient-1", Change(0, Copd));

        // Another change came in after this one's author read the settings.
        await Store.SaveAsync("patient-1", Change(1, HeartFailure) with { Previous = ClinicalSettings.Default });

        AssertSame(Copd, (await Store.HistoryAsync("patient-1", 1))[0].Previous);
    }

    [SkippableFact]
    public async Task Save_ConcurrentChanges_EachRecordedOnceInAChain()
    {
        var all = Enumerable.Range(0, 8).Select(i => new ClinicalSettings { Baselines = new() { BestPeakFlow = 300 + i } }).ToList();

        await Task.WhenAll(all.Select((settings, i) => Task.Run(() => Store.SaveAsync("patient-1", Change(i, settings, $"change {i}")))));

        var history = (await Store.HistoryAsync("patient-1", 100)).Reverse().ToList();
        Assert.Equal(all.Count, history.Count);
        Assert.Equal(all.Count, history.Select(c => c.Reason).Distinct().Count());
        AssertSame(ClinicalSettings.Default, history[0].Previous);
        for (var i = 1; i < history.Count; i++)
        {
            AssertSame(history[i - 1].Settings, history[i].Previous);
        }

        AssertSame(history[^1].Settings, (await Store.FindManyAsync(["patient-1"]))["patient-1"]);
    }

    protected static ClinicalSettingsChange Change(int minute, ClinicalSettings settings, string reason = "why", string actor = "dr-who") =>
        new(T0.AddMinutes(minute), actor, reason, ClinicalSettings.Default, settings);

    protected static void AssertSame(ClinicalSettings expected, ClinicalSettings actual) =>
        Assert.Equal(ClinicalSettingsJson.Serialize(expected), ClinicalSettingsJson.Serialize(actual));
}
