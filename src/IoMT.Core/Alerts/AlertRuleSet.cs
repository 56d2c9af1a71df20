namespace IoMT.Core.Alerts;

/// <summary>
/// The enabled rules of one patient (organization rules with the patient's overrides applied), indexed by the
/// signal they watch. Built once per profile change, never per reading.
/// </summary>
public sealed class AlertRuleSet
{
    private readonly IndexedRule[][] _bySignal;

    public AlertRuleSet(IEnumerable<AlertRule> rules, IReadOnlyDictionary<string, RuleOverride>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var effective = rules
            .Select(rule => overrides is not null && overrides.TryGetValue(rule.Id, out var change) ? change.ApplyTo(rule) : rule)
            .ToList();
        var problems = effective.SelectMany(rule => rule.Validate()).ToList();
        var duplicate = effective.GroupBy(rule => rule.Id, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            problems.Add($"Rule id '{duplicate.Key}' is used more than once.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidAlertRulesException(problems);
        }

        Rules = effective;
        _bySignal = new IndexedRule[Enum.GetValues<Signal>().Length][];
        foreach (var signal in Enum.GetValues<Signal>())
        {
            _bySignal[(int)signal] = [.. effective.Select((rule, index) => new IndexedRule(rule, index)).Where(r => r.Rule.Enabled && r.Rule.Signal == signal)];
        }
    }

    public static AlertRuleSet Defaults { get; } = new(DefaultAlertRules.All);

    /// <summary>
    /// This set with further overrides on top: organization settings over the defaults, then a patient's over the
    /// organization's (<c>AlertRuleSet.Defaults.WithOverrides(organization).WithOverrides(patient)</c>).
    /// </summary>
    public AlertRuleSet WithOverrides(IReadOnlyDictionary<string, RuleOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var unknown = overrides.Keys.Where(id => Rules.All(rule => rule.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidAlertRulesException([.. unknown.Select(id => $"There is no rule '{id}' to override.")]);
        }

        return overrides.Count == 0 ? this : new AlertRuleSet(Rules, overrides);
    }

    /// <summary>Every rule, disabled ones included.</summary>
    public IReadOnlyList<AlertRule> Rules { get; }

    /// <summary>The enabled rules watching <paramref name="signal"/>, with their position in <see cref="Rules"/>.</summary>
    public ReadOnlySpan<IndexedRule> For(Signal signal) => _bySignal[(int)signal];
}

/// <summary>A rule and its position in its <see cref="AlertRuleSet.Rules"/>, where a patient keeps its state.</summary>
public readonly record struct IndexedRule(AlertRule Rule, int Index);

/// <summary>Alert rules that cannot be used, with every problem found.</summary>
public sealed class InvalidAlertRulesException(IReadOnlyList<string> problems)
    : Exception("Invalid alert rules: " + string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
