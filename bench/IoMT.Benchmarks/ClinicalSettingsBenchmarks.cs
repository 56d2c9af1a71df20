using BenchmarkDotNet.Attributes;
using IoMT.Core.Alerts;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Storage.Sqlite;

namespace IoMT.Benchmarks;

/// <summary>
/// What each ingestion batch adds to load its patients' clinical settings: one read of <c>clinical-settings.db</c> for
/// the batch's 100 patients among 10,000 that have settings (every tenth with limit overrides), and their profiles, whose
/// rule sets come from the cache. <see cref="RuleSetUncached"/> is what building a patient's rule set costs without it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ClinicalSettingsBenchmarks
{
    private const int Patients = 10_000;
    private string _folder = null!;
    private SqliteClinicalSettingsStore _store = null!;
    private ClinicalProfiles _profiles = null!;
    private List<string> _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("iomt-settings-bench-").FullName;
        _store = new SqliteClinicalSettingsStore(Path.Combine(_folder, "clinical-settings.db"));
        _profiles = new ClinicalProfiles(_store);
        for (var i = 0; i < Patients; i++)
        {
            var limits = new Dictionary<string, RuleOverride>(StringComparer.Ordinal);
            if (i % 10 == 0)
            {
                limits["spo2-low"] = new() { RaiseAt = 85 + (i % 3), ClearAt = 88 };
            }

            var settings = new ClinicalSettings { Spo2Scale = 1 + (i % 2), Limits = limits, Baselines = new() { BestPeakFlow = 300 + (i % 200) } };
            _store.SaveAsync($"patient-{i}", new ClinicalSettingsChange(DateTimeOffset.UnixEpoch, "dr-bench", "bench", ClinicalSettings.Default, settings))
                .GetAwaiter().GetResult();
        }

        _batch = [.. Enumerable.Range(0, 100).Select(i => $"patient-{i * 97}")];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public async Task<int> LoadBatchOf100() => (await _profiles.LoadAsync(_batch)).Count;

    [Benchmark]
    public AlertRuleSet RuleSetUncached() =>
        AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88 } });

    /// <summary>A profile as ingestion gets it: the settings' rule set found in the cache.</summary>
    [Benchmark]
    public PatientProfile ProfileCached() =>
        _profiles.ProfileOf("patient-0", new ClinicalSettings { Limits = new Dictionary<string, RuleOverride> { ["spo2-low"] = new() { RaiseAt = 85, ClearAt = 88 } } });
}
