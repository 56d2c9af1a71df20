using IoMT.Core.Alerts;
using IoMT.Core.Api;

namespace IoMT.Core.Patients;

/// <summary>
/// A patient's alert limit overrides, checked against the organization's rules: each names a rule, sets valid members,
/// and leaves a rule <see cref="AlertRule.Validate"/> accepts (clearAt on the safe side of raiseAt); the grades of a
/// family stay in order (a more severe grade raises further out); and <see cref="AlertRuleSet"/> accepts the whole set.
/// Problems are answered with the JSON pointer of the member at fault.
/// </summary>
public static class ClinicalLimits
{
    public static (IReadOnlyDictionary<string, RuleOverride>? Limits, ApiError? Error) Parse(
        IReadOnlyDictionary<string, RuleLimit?>? limits, AlertRuleSet organizationRules)
    {
        ArgumentNullException.ThrowIfNull(organizationRules);
        var overrides = new Dictionary<string, RuleOverride>(StringComparer.Ordinal);
        foreach (var (ruleId, limit) in (limits ?? new Dictionary<string, RuleLimit?>()).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var pointer = "/limits/" + Escape(ruleId);
            var rule = organizationRules.Rules.FirstOrDefault(r => r.Id == ruleId);
            var error = rule is null ? ApiError.InvalidBody(pointer, $"There is no rule '{ruleId}' to override.")
                : limit is null ? ApiError.InvalidBody(pointer, "An override is an object: enabled, raiseAt, clearAt, sustainForSeconds, priority.")
                : MemberError(pointer, rule, limit);
            if (error is not null)
            {
                return (null, error);
            }

            var change = limit!.ToOverride();
            if (change.ApplyTo(rule!).Validate() is [var problem, ..])
            {
                return (null, ApiError.InvalidBody(pointer + (limit.ClearAt is not null || limit.RaiseAt is null ? "/clearAt" : "/raiseAt"), problem));
            }

            overrides[ruleId] = change;
        }

        var familyError = FamilyOrderError(organizationRules, overrides);
        if (familyError is not null)
        {
            return (null, familyError);
        }

        try
        {
            organizationRules.WithOverrides(overrides);
        }
        catch (InvalidAlertRulesException e)
        {
            return (null, ApiError.InvalidBody("/limits", string.Join(" ", e.Problems)));
        }

        return (overrides, null);
    }

    /// <summary>JSON pointer escaping of one reference token (RFC 6901).</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static ApiError? MemberError(string pointer, AlertRule rule, RuleLimit limit)
    {
        if (rule.Codes is not null && (limit.RaiseAt is not null || limit.ClearAt is not null))
        {
            return ApiError.InvalidBody(pointer + (limit.RaiseAt is not null ? "/raiseAt" : "/clearAt"),
                $"Rule '{rule.Id}' raises on coded values, not thresholds: only enabled, sustainForSeconds and priority apply.");
        }

        foreach (var (name, value) in new[] { ("raiseAt", limit.RaiseAt), ("clearAt", limit.ClearAt) })
        {
            if (value is { } number && !double.IsFinite(number))
            {
                return ApiError.InvalidBody($"{pointer}/{name}", $"{name} is a finite number.");
            }
        }

        if (limit.SustainForSeconds is { } seconds && !(seconds >= 0 && seconds <= ClinicalSettingsService.MaxSustainSeconds))
        {
            return ApiError.InvalidBody(pointer + "/sustainForSeconds",
                $"sustainForSeconds is 0–{ClinicalSettingsService.MaxSustainSeconds:0} seconds: how long the condition must hold before the alert is raised.");
        }

        return limit.Priority is { } priority && !EnumNames.TryParse<AlertPriority>(priority, out _)
            ? ApiError.InvalidBody(pointer + "/priority", "priority is one of low, medium, high.")
            : null;
    }

    /// <summary>In a family with an overridden grade, a more severe grade must raise at least as far out as a milder one.</summary>
    internal static ApiError? FamilyOrderError(AlertRuleSet organizationRules, Dictionary<string, RuleOverride> overrides)
    {
        var effective = organizationRules.Rules.Select(r => overrides.TryGetValue(r.Id, out var change) ? change.ApplyTo(r) : r).ToList();
        foreach (var family in effective.Where(r => r.Family is not null && r.RaiseAt is not null).GroupBy(r => r.Family!, StringComparer.Ordinal))
        {
            var grades = family.OrderBy(r => r.Priority).ToList();
            for (var i = 0; i < grades.Count; i++)
            {
                for (var j = i + 1; j < grades.Count; j++)
                {
                    var (milder, severe) = (grades[i], grades[j]);
                    var outOfOrder = milder.Priority != severe.Priority
                        && (severe.Direction == AlertDirection.Low ? severe.RaiseAt > milder.RaiseAt : severe.RaiseAt < milder.RaiseAt);
                    if (outOfOrder && (overrides.ContainsKey(milder.Id) || overrides.ContainsKey(severe.Id)))
                    {
                        var at = overrides.ContainsKey(severe.Id) ? severe : milder;
                        return ApiError.InvalidBody($"/limits/{Escape(at.Id)}/raiseAt",
                            $"'{severe.Id}' ({RuleLimit.NameOf(severe.Priority)}) must raise at least as far out as '{milder.Id}' ({RuleLimit.NameOf(milder.Priority)}): " +
                            FormattableString.Invariant($"{severe.RaiseAt} against {milder.RaiseAt}."));
                    }
                }
            }
        }

        return null;
    }
}
