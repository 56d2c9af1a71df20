using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Api;

namespace IoMT.Core.Patients;

/// <summary>What a physician says about a patient's clinical settings, and why; it replaces the whole settings.</summary>
public sealed record ClinicalSettingsRequest(
    int? Spo2Scale, IReadOnlyDictionary<string, RuleLimit?>? Limits, PersonalBaselines? Baselines, WeightGainLimits? WeightGain, string? Reason);

/// <summary>One alert rule as it applies to the patient, after their overrides.</summary>
public sealed record EffectiveRule(
    string Id, string Title, Signal Signal, AlertDirection Direction, double? RaiseAt, double? ClearAt, string Priority, bool Enabled,
    double SustainForSeconds, bool Overridden);

/// <summary>A patient's settings, the rules that apply to them, and the last change (null members when never changed).</summary>
public sealed record ClinicalSettingsView(
    int Spo2Scale, IReadOnlyDictionary<string, RuleLimit> Limits, PersonalBaselines Baselines, WeightGainLimits? WeightGain,
    IReadOnlyList<EffectiveRule> EffectiveRules, DateTimeOffset? ChangedAt, string? ChangedBy, string? Reason);

/// <summary>One change as the history shows it.</summary>
public sealed record ClinicalSettingsChangeView(DateTimeOffset At, string Actor, string Reason, ClinicalSettingsData Previous, ClinicalSettingsData Settings);

/// <summary>
/// Patients' clinical settings: physicians of a patient's care teams set them, with a reason; each change is recorded
/// (who, when, why, the settings before and after). Whoever may read the patient reads the settings, the rules they make
/// and their history.
/// </summary>
public sealed class ClinicalSettingsService(IPatientDirectory patients, IClinicalSettingsStore store, ClinicalProfiles profiles, TimeProvider time)
{
    public const int MaxReasonLength = 500;
    public const int DefaultHistoryLimit = 50;
    public const int MaxHistoryLimit = 1_000;
    public const double MaxSustainSeconds = 3_600;

    /// <summary>Weight-gain limits a physician may set, kg (a gain below 0.2 kg is within a scale's day-to-day noise).</summary>
    public static readonly Telemetry.PlausibleRange WeightGainKg = new(0.2, 10);

    public async Task<ApiResult<ClinicalSettingsView>> SaveAsync(
        Caller caller, string patientId, ClinicalSettingsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Role.Physician) || !patient!.CareTeams.Any(caller.CareTeams.Contains))
        {
            return ApiError.Forbid("Only physicians of the patient's care teams set clinical settings.");
        }

        var (settings, reason, invalid) = Parse(request, profiles.OrganizationRules);
        if (invalid is not null)
        {
            return invalid;
        }

        var previous = await FindAsync(patientId, cancellationToken).ConfigureAwait(false);
        var change = new ClinicalSettingsChange(time.GetUtcNow(), caller.Id, reason!, previous, settings!);
        await store.SaveAsync(patientId, change, cancellationToken).ConfigureAwait(false);
        return View(settings!, change);
    }

    public async Task<ApiResult<ClinicalSettingsView>> GetAsync(Caller caller, string patientId, CancellationToken cancellationToken = default)
    {
        var (_, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var settings = await FindAsync(patientId, cancellationToken).ConfigureAwait(false);
        var last = await store.HistoryAsync(patientId, 1, cancellationToken).ConfigureAwait(false);
        return View(settings, last.Count > 0 ? last[0] : null);
    }

    /// <param name="limit">How many changes, newest first: 1–<see cref="MaxHistoryLimit"/>, null when not a number.</param>
    public async Task<ApiResult<IReadOnlyList<ClinicalSettingsChangeView>>> HistoryAsync(
        Caller caller, string patientId, int? limit, CancellationToken cancellationToken = default)
    {
        var (_, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (limit is not (>= 1 and <= MaxHistoryLimit))
        {
            return ApiError.InvalidParameter("limit", $"'limit' is a whole number of changes, 1–{MaxHistoryLimit} (default {DefaultHistoryLimit}).");
        }

        var changes = await store.HistoryAsync(patientId, limit.Value, cancellationToken).ConfigureAwait(false);
        return new ApiResult<IReadOnlyList<ClinicalSettingsChangeView>>(
            [.. changes.Select(c => new ClinicalSettingsChangeView(c.At, c.Actor, c.Reason, ClinicalSettingsData.From(c.Previous), ClinicalSettingsData.From(c.Settings)))],
            null);
    }

    /// <summary>The settings a request describes and its reason, or the first thing wrong with it (a JSON pointer into the body).</summary>
    public static (ClinicalSettings? Settings, string? Reason, ApiError? Error) Parse(ClinicalSettingsRequest request, AlertRuleSet organizationRules)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(organizationRules);
        if (request.Spo2Scale is not (null or 1 or 2))
        {
            return Invalid("/spo2Scale", "The NEWS2 SpO2 scale is 1, or 2 for a prescribed 88–92 % target (hypercapnic respiratory failure).");
        }

        var (limits, limitError) = ClinicalLimits.Parse(request.Limits, organizationRules);
        var error = limitError ?? BaselineError(request.Baselines ?? new()) ?? WeightGainError(request.WeightGain);
        if (error is not null)
        {
            return (null, null, error);
        }

        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReasonLength || reason.Any(char.IsControl))
        {
            return Invalid("/reason", $"Say why in 1–{MaxReasonLength} characters (no control characters): the reason is kept with the change.");
        }

        var settings = new ClinicalSettings
        {
            Spo2Scale = request.Spo2Scale ?? 1,
            Limits = limits!,
            Baselines = request.Baselines ?? new(),
            WeightGain = request.WeightGain,
        };
        return (settings, reason, null);
    }

    private static ApiError? BaselineError(PersonalBaselines baselines) =>
        OutOfRange("/baselines/bestPeakFlow", "Best peak flow", baselines.BestPeakFlow, Range(Telemetry.ReadingKind.PeakFlow), "L/min")
        ?? OutOfRange("/baselines/bestFev1", "Best FEV1", baselines.BestFev1, Range(Telemetry.ReadingKind.Fev1), "L")
        ?? OutOfRange("/baselines/dryWeight", "Dry weight", baselines.DryWeight, Range(Telemetry.ReadingKind.Weight), "kg");

    private static ApiError? WeightGainError(WeightGainLimits? limits)
    {
        if (limits is null)
        {
            return null;
        }

        var error = OutOfRange("/weightGain/dayKg", "The gain over a day", limits.DayKg, WeightGainKg, "kg")
            ?? OutOfRange("/weightGain/weekKg", "The gain over a week", limits.WeekKg, WeightGainKg, "kg");
        return error ?? (limits is { DayKg: { } day, WeekKg: { } week } && week < day
            ? ApiError.InvalidBody("/weightGain/weekKg", "The gain over a week must not be below the gain over a day.")
            : null);
    }

    /// <summary>A plausible value of the reading kind (docs/telemetry.md gives the ranges and their sources).</summary>
    private static Telemetry.PlausibleRange Range(Telemetry.ReadingKind kind) => Telemetry.ReadingKinds.Get(kind).Range!.Value;

    private static ApiError? OutOfRange(string pointer, string what, double? value, Telemetry.PlausibleRange range, string unit) =>
        value is { } number && !(double.IsFinite(number) && range.Contains(number))
            ? ApiError.InvalidBody(pointer, $"{what} is {range} {unit}.")
            : null;

    private static (ClinicalSettings?, string?, ApiError?) Invalid(string pointer, string detail) => (null, null, ApiError.InvalidBody(pointer, detail));

    private async Task<ClinicalSettings> FindAsync(string patientId, CancellationToken cancellationToken) =>
        (await store.FindManyAsync([patientId], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(patientId) ?? ClinicalSettings.Default;

    private ClinicalSettingsView View(ClinicalSettings settings, ClinicalSettingsChange? last)
    {
        var data = ClinicalSettingsData.From(settings);
        // Limits the organization's rules no longer accept are left out (ClinicalProfiles.RulesFor): none of them applies then.
        var ruleSet = profiles.RulesFor(settings);
        var applied = !ReferenceEquals(ruleSet, profiles.OrganizationRules);
        var rules = ruleSet.Rules.Select(rule => new EffectiveRule(
            rule.Id, rule.Title, rule.Signal, rule.Direction, rule.RaiseAt, rule.ClearAt, RuleLimit.NameOf(rule.Priority), rule.Enabled,
            rule.SustainFor.TotalSeconds, applied && settings.Limits.ContainsKey(rule.Id)));
        return new ClinicalSettingsView(data.Spo2Scale, data.Limits, data.Baselines, data.WeightGain, [.. rules], last?.At, last?.Actor, last?.Reason);
    }
}
