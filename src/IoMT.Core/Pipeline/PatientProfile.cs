using IoMT.Core.Alerts;

namespace IoMT.Core.Pipeline;

/// <summary>What monitoring needs to know about a patient: NEWS2 settings and their effective alert rules.</summary>
public sealed record PatientProfile
{
    public required string PatientId { get; init; }

    /// <summary>NEWS2 SpO2 scale: 1 (default) or 2 for hypercapnic respiratory failure with a prescribed 88–92 % target.</summary>
    public int Spo2Scale { get; init; } = 1;

    /// <summary>Whether the patient is on supplemental oxygen when no recent oxygenSupplement reading says otherwise.</summary>
    public bool OnSupplementalOxygen { get; init; }

    /// <summary>ACVPU level assumed when none was reported within the NEWS2 window; null leaves NEWS2 incomplete instead.</summary>
    public string? AssumedConsciousness { get; init; } = "A";

    public AlertRuleSet Rules { get; init; } = AlertRuleSet.Defaults;

    /// <summary>The patient's personal best peak flow and FEV1 and dry weight, for the COPD and heart-failure rules.</summary>
    public Patients.PersonalBaselines Baselines { get; init; } = new();

    /// <summary>The heart-failure weight-gain limits; null uses the defaults.</summary>
    public Patients.WeightGainLimits? WeightGain { get; init; }
}
