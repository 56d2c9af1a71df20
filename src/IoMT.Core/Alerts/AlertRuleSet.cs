namespace IoMT.Core.Alerts;

/// <summary>
/// The enabled rules of one patient (organization rules with the patient's overrides applied), indexed by the
/// signal they watch and grouped into families (each grade of a family in order of severity). Built once per profile
/// change, never per reading.
/// </summary>
public sealed class AlertRuleSet
{
    private readonly IndexedRule[][] _bySignal;
    private readonly IndexedRule[][][] _familiesBySignal;

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

        problems.AddRange(FamilyProblems(effective));
        if (problems.Count > 0)
        {
            throw new InvalidAlertRulesException(problems);
        }

        Rules = effective;
        _bySignal = new IndexedRule[Enum.GetValues<Signal>().Length][];
        _familiesBySignal = new IndexedRule[Enum.GetValues<Signal>().Length][][];
        foreach (var signal in Enum.GetValues<Signal>())
        {
            _bySignal[(int)signal] = [.. effective.Select((rule, index) => new IndexedRule(rule, index)).Where(r => r.Rule.Enabled && r.Rule.Signal == signal)];
            _familiesBySignal[(int)signal] = [.. _bySignal[(int)signal]
                .GroupBy(r => r.Rule.FamilyId, StringComparer.Ordinal)
                .Select(family => family.OrderBy(r => r.Rule, Severity.Instance).ToArray())];
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

    /// <summary>
    /// The enabled rules watching <paramref name="signal"/>, with their position in <see cref="Rules"/>, by family; each
    /// family's grades from the mildest to the most severe.
    /// </summary>
    public ReadOnlySpan<IndexedRule[]> Families(Signal signal) => _familiesBySignal[(int)signal];

    /// <summary>The enabled grades of the family <paramref name="familyId"/> from the mildest to the most severe (empty when none is enabled).</summary>
    public IndexedRule[] Family(string familyId)
    {
        foreach (var families in _familiesBySignal)
        {
            foreach (var family in families)
            {
                if (family[0].Rule.FamilyId == familyId)
                {
                    return family;
                }
            }
        }

        return [];
    }

    /// <summary>The grades of a family watch one value the same way (signal, direction, category) with thresholds; no other rule uses its name.</summary>
    private static IEnumerable<string> FamilyProblems(List<AlertRule> rules)
    {
        foreach (var family in rules.Where(r => r.Family is not null).GroupBy(r => r.Family!, StringComparer.Ordinal))
        {
            var first = family.First();
            if (family.Any(r => r.Codes is not null || r.Signal != first.Signal || r.Direction != first.Direction || r.Category != first.Category))
            {
                yield return $"Family '{family.Key}': its rules must be threshold rules on one signal, in one direction and category.";
            }

            if (rules.Any(r => r.Id == family.Key && r.Family != family.Key))
            {
                yield return $"Family '{family.Key}': the name is the id of a rule outside the family.";
            }
        }
    }

    /// <summary>Grades in order of severity: by priority, then by how far out the raise threshold lies.</summary>
    private sealed class Severity : IComparer<AlertRule>
    {
        public static readonly Severity Instance = new();

        public int Compare(AlertRule? x, AlertRule? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var byPriority = x.Priority.CompareTo(y.Priority);
            var byThreshold = (x.RaiseAt ?? 0).CompareTo(y.RaiseAt ?? 0);
            return byPriority != 0 ? byPriority : x.Direction == AlertDirection.Low ? -byThreshold : byThreshold;
        }
    }
}

/// <summary>A rule and its position in its <see cref="AlertRuleSet.Rules"/>, where a patient keeps its state.</summary>
public readonly record struct IndexedRule(AlertRule Rule, int Index);

/// <summary>Alert rules that cannot be used, with every problem found.</summary>
public sealed class InvalidAlertRulesException(IReadOnlyList<string> problems)
    : Exception("Invalid alert rules: " + string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
