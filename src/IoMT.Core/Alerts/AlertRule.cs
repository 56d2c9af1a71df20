namespace IoMT.Core.Alerts;

public enum AlertPriority
{
    Low,
    Medium,
    High,
}

/// <summary>Which way a value left its safe range; snooze can be scoped to one direction.</summary>
public enum AlertDirection
{
    None,
    Low,
    High,
}

/// <summary>What kind of alert it is; escalation policies are chosen by priority and category.</summary>
public enum AlertCategory
{
    VitalSign,
    EarlyWarningScore,
    Glucose,
    CardiacRhythm,
    Technical,
    Adherence,
}

/// <summary>A value an alert rule watches.</summary>
public enum Signal
{
    HeartRate,
    RespiratoryRate,
    Spo2,
    BodyTemperature,
    Systolic,
    Diastolic,
    Glucose,

    /// <summary>CGM glucose predicted 20 minutes ahead.</summary>
    GlucosePredicted,

    /// <summary>NEWS2 aggregate score.</summary>
    News2Total,

    EcgRhythm,

    /// <summary>ACVPU level of consciousness.</summary>
    Consciousness,

    Battery,
    Weight,

    /// <summary>
    /// Lung function as a whole percentage of the patient's personal best: the lower of FEV1 and peak flow measured at
    /// one instant, each against its own baseline (only those whose baseline is set).
    /// </summary>
    PercentOfPersonalBest,
}

/// <summary>Signals carrying codes rather than numbers.</summary>
public static class Signals
{
    public static bool IsCoded(Signal signal) => signal is Signal.EcgRhythm or Signal.Consciousness;
}

/// <summary>How a reading relates to a rule: it meets the raise condition, the clear condition, or neither (hysteresis band).</summary>
public enum Condition
{
    Hold,
    Raise,
    Clear,
}

/// <summary>
/// An alert rule. Threshold rules compare a number with <see cref="RaiseAt"/> (and clear, with hysteresis, at
/// <see cref="ClearAt"/>); code rules raise while a coded value is one of <see cref="Codes"/>. The condition must hold
/// across readings for <see cref="SustainFor"/> before the alert is raised; one alert is raised per episode. Threshold
/// rules that grade one condition (NEWS2 urgent and emergency, glucose low and urgent low) share a <see cref="Family"/>:
/// a patient has at most one open alert per family, whose priority follows the worst grade raised.
/// </summary>
public sealed record AlertRule
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required Signal Signal { get; init; }

    public required AlertPriority Priority { get; init; }

    public required AlertCategory Category { get; init; }

    /// <summary>Low: raise below <see cref="RaiseAt"/>. High: raise above it. None for code rules.</summary>
    public AlertDirection Direction { get; init; }

    public double? RaiseAt { get; init; }

    /// <summary>Low rules clear at or above this value, high rules at or below it.</summary>
    public double? ClearAt { get; init; }

    /// <summary>Raise at exactly <see cref="RaiseAt"/> too (≤ or ≥ instead of &lt; or &gt;).</summary>
    public bool Inclusive { get; init; }

    /// <summary>For code rules: the codes that raise; any other code clears.</summary>
    public IReadOnlyList<string>? Codes { get; init; }

    public TimeSpan SustainFor { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>The condition this rule grades, shared with its other grades; null when the rule is its own family.</summary>
    public string? Family { get; init; }

    /// <summary>The family's id: alerts of the family are one episode under <c>{patient}:{family}</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string FamilyId => Family ?? Id;

    /// <summary>Where the default comes from (guideline, standard or study), for clinical review.</summary>
    public string? Source { get; init; }

    public Condition Evaluate(double value)
    {
        var raiseAt = RaiseAt!.Value;
        var clearAt = ClearAt!.Value;
        return Direction switch
        {
            AlertDirection.Low when value < raiseAt || (Inclusive && value == raiseAt) => Condition.Raise,
            AlertDirection.Low when value >= clearAt => Condition.Clear,
            AlertDirection.High when value > raiseAt || (Inclusive && value == raiseAt) => Condition.Raise,
            AlertDirection.High when value <= clearAt => Condition.Clear,
            _ => Condition.Hold,
        };
    }

    public Condition Evaluate(string code)
    {
        for (var i = 0; i < Codes!.Count; i++)
        {
            if (string.Equals(Codes[i], code, StringComparison.Ordinal))
            {
                return Condition.Raise;
            }
        }

        return Condition.Clear;
    }

    /// <summary>Problems that make the rule unusable, as human messages; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Identifiers.IsValid(Id))
        {
            problems.Add($"Rule id '{Id}' must be 1–64 letters, digits, '-', '_' or '.'.");
        }

        if (Family is not null && !Identifiers.IsValid(Family))
        {
            problems.Add($"Rule '{Id}': family '{Family}' must be 1–64 letters, digits, '-', '_' or '.'.");
        }

        if (SustainFor < TimeSpan.Zero)
        {
            problems.Add($"Rule '{Id}': sustainFor must not be negative.");
        }

        if (Codes is not null != Signals.IsCoded(Signal))
        {
            problems.Add($"Rule '{Id}': {Signal} carries {(Signals.IsCoded(Signal) ? "codes, so the rule needs codes" : "numbers, so the rule needs thresholds, not codes")}.");
            return problems;
        }

        if (Codes is not null)
        {
            if (Codes.Count == 0 || Direction != AlertDirection.None || RaiseAt is not null)
            {
                problems.Add($"Rule '{Id}': a code rule needs at least one code and no direction or thresholds.");
            }

            return problems;
        }

        if (Direction == AlertDirection.None || RaiseAt is not { } raise || ClearAt is not { } clear)
        {
            problems.Add($"Rule '{Id}': a threshold rule needs a direction, raiseAt and clearAt.");
        }
        else if (Direction == AlertDirection.Low ? clear < raise : clear > raise)
        {
            problems.Add($"Rule '{Id}': clearAt must be on the safe side of raiseAt (hysteresis).");
        }

        return problems;
    }
}

/// <summary>A per-patient (or per-organization) change to one rule; null members keep the rule's value.</summary>
public sealed record RuleOverride
{
    public bool? Enabled { get; init; }

    public double? RaiseAt { get; init; }

    public double? ClearAt { get; init; }

    public TimeSpan? SustainFor { get; init; }

    public AlertPriority? Priority { get; init; }

    public AlertRule ApplyTo(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule with
        {
            Enabled = Enabled ?? rule.Enabled,
            RaiseAt = RaiseAt ?? rule.RaiseAt,
            ClearAt = ClearAt ?? rule.ClearAt,
            SustainFor = SustainFor ?? rule.SustainFor,
            Priority = Priority ?? rule.Priority,
        };
    }
}
