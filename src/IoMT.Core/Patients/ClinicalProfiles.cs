using System.Collections.Concurrent;
using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;

namespace IoMT.Core.Patients;

/// <summary>
/// Patients' monitoring profiles from their clinical settings: NEWS2 SpO2 scale, the organization's alert rules with the
/// patient's overrides, baselines and weight-gain limits. A rule set is built once per distinct set of overrides and
/// shared, so a patient's state, which aligns with its rules by reference (<see cref="PatientState.Align"/>), is not
/// realigned for every batch, and patients with the same overrides share one set.
/// </summary>
public sealed class ClinicalProfiles
{
    /// <summary>At most this many distinct override sets are kept; past it the cache starts over.</summary>
    public const int MaxCachedRuleSets = 4096;

    private readonly IClinicalSettingsStore _store;
    private readonly ConcurrentDictionary<string, AlertRuleSet> _ruleSets = new(StringComparer.Ordinal);

    /// <param name="organizationRules">The organization's rules, which patients' limits override; the defaults when null.</param>
    public ClinicalProfiles(IClinicalSettingsStore store, AlertRuleSet? organizationRules = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        OrganizationRules = organizationRules ?? AlertRuleSet.Defaults;
    }

    public AlertRuleSet OrganizationRules { get; }

    /// <summary>The profile of each of these patients that has settings (one read of the store); the others keep the default profile.</summary>
    public async Task<IReadOnlyList<PatientProfile>> LoadAsync(IEnumerable<string> patientIds, CancellationToken cancellationToken = default)
    {
        var settings = await _store.FindManyAsync(patientIds, cancellationToken).ConfigureAwait(false);
        return [.. settings.Select(pair => ProfileOf(pair.Key, pair.Value))];
    }

    public PatientProfile ProfileOf(string patientId, ClinicalSettings settings) => Profile(patientId, settings, RulesFor(settings));

    /// <summary>The patient's profile: their settings and <paramref name="rules"/>, the organization's rules with their limits applied.</summary>
    public static PatientProfile Profile(string patientId, ClinicalSettings settings, AlertRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PatientProfile
        {
            PatientId = patientId,
            Spo2Scale = settings.Spo2Scale,
            Rules = rules,
            Baselines = settings.Baselines,
            WeightGain = settings.WeightGain,
        };
    }

    /// <summary>
    /// The organization's rules with the settings' limits (shared by all settings with the same limits). Limits that the
    /// organization's rules no longer accept (a rule removed, or changed so the override breaks it or puts its family's
    /// grades out of order, since they were saved) are left out rather than stop monitoring: overrides of unknown rules
    /// are dropped, and the organization's rules apply if what remains is not valid.
    /// </summary>
    public AlertRuleSet RulesFor(ClinicalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var known = settings.Limits.Where(pair => OrganizationRules.Rules.Any(rule => rule.Id == pair.Key))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        if (known.Count == 0)
        {
            return OrganizationRules;
        }

        var key = ClinicalSettingsJson.Serialize(new ClinicalSettings { Limits = known });
        if (_ruleSets.TryGetValue(key, out var cached))
        {
            return cached;
        }

        AlertRuleSet rules;
        try
        {
            // Limits that would make a milder grade of a family raise further out than a more severe one are refused when
            // saved; the organization's rules may have moved since.
            rules = ClinicalLimits.FamilyOrderError(OrganizationRules, known) is null ? OrganizationRules.WithOverrides(known) : OrganizationRules;
        }
        catch (InvalidAlertRulesException)
        {
            rules = OrganizationRules;
        }

        if (_ruleSets.Count >= MaxCachedRuleSets)
        {
            _ruleSets.Clear();
        }

        return _ruleSets.GetOrAdd(key, rules);
    }
}
