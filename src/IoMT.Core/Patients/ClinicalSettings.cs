using IoMT.Core.Alerts;

namespace IoMT.Core.Patients;

/// <summary>
/// A patient's own clinical settings, set by a physician: alert limit overrides by rule id, the NEWS2 SpO2 scale,
/// personal baselines and heart-failure weight-gain limits. Alert rules, NEWS2 and the console's charts use them.
/// </summary>
public sealed record ClinicalSettings
{
    public static ClinicalSettings Default { get; } = new();

    /// <summary>NEWS2 SpO2 scale: 1, or 2 for hypercapnic respiratory failure with a prescribed 88–92 % target.</summary>
    public int Spo2Scale { get; init; } = 1;

    /// <summary>Overrides of the organization's alert rules, by rule id.</summary>
    public IReadOnlyDictionary<string, RuleOverride> Limits { get; init; } = new Dictionary<string, RuleOverride>(StringComparer.Ordinal);

    public PersonalBaselines Baselines { get; init; } = new();

    /// <summary>The weight-gain rule's limits for this patient; null keeps the defaults.</summary>
    public WeightGainLimits? WeightGain { get; init; }
}

/// <summary>A patient's own reference values; null when not set.</summary>
public sealed record PersonalBaselines
{
    /// <summary>Best peak expiratory flow, L/min.</summary>
    public double? BestPeakFlow { get; init; }

    /// <summary>Best FEV1, L.</summary>
    public double? BestFev1 { get; init; }

    /// <summary>Dry weight (euvolaemic), kg.</summary>
    public double? DryWeight { get; init; }
}

/// <summary>Heart-failure weight gain: alert when the gain over a day or over a week exceeds these (kg).</summary>
public sealed record WeightGainLimits
{
    public bool Enabled { get; init; } = true;

    public double? DayKg { get; init; }

    public double? WeekKg { get; init; }
}

/// <summary>One change of a patient's clinical settings: who made it, when, why, and the settings before and after.</summary>
public sealed record ClinicalSettingsChange(DateTimeOffset At, string Actor, string Reason, ClinicalSettings Previous, ClinicalSettings Settings);

/// <summary>Patients' clinical settings and the history of their changes.</summary>
public interface IClinicalSettingsStore
{
    /// <summary>The settings of each of these patients that has any; patients without settings are left out.</summary>
    Task<IReadOnlyDictionary<string, ClinicalSettings>> FindManyAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the settings and records the change, together (both or neither). The change is recorded with the settings
    /// the store held when it wrote (as <see cref="ClinicalSettingsChange.Previous"/>), so that a change saved meanwhile
    /// by someone else is not hidden from the history.
    /// </summary>
    Task SaveAsync(string patientId, ClinicalSettingsChange change, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> changes, newest first.</summary>
    Task<IReadOnlyList<ClinicalSettingsChange>> HistoryAsync(string patientId, int limit, CancellationToken cancellationToken = default);
}
