using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Alerts;
using IoMT.Core.Api;

namespace IoMT.Core.Patients;

/// <summary>
/// One rule's override as the API and the stores write it: the sustain time in seconds, the priority by its name
/// (<c>low</c>, <c>medium</c>, <c>high</c>); null members keep the rule's value.
/// </summary>
public sealed record RuleLimit
{
    public bool? Enabled { get; init; }

    public double? RaiseAt { get; init; }

    public double? ClearAt { get; init; }

    public double? SustainForSeconds { get; init; }

    public string? Priority { get; init; }

    public static RuleLimit From(RuleOverride change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new()
        {
            Enabled = change.Enabled,
            RaiseAt = change.RaiseAt,
            ClearAt = change.ClearAt,
            SustainForSeconds = change.SustainFor?.TotalSeconds,
            Priority = change.Priority is { } priority ? NameOf(priority) : null,
        };
    }

    /// <summary>The override; the priority must be a valid name (as <see cref="ClinicalSettingsService"/> checked).</summary>
    public RuleOverride ToOverride() => new()
    {
        Enabled = Enabled,
        RaiseAt = RaiseAt,
        ClearAt = ClearAt,
        SustainFor = SustainForSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        Priority = Priority is null ? null : EnumNames.TryParse<AlertPriority>(Priority, out var priority) ? priority : throw new FormatException($"Unknown priority '{Priority}'."),
    };

    public static string NameOf(AlertPriority priority) => JsonNamingPolicy.CamelCase.ConvertName(priority.ToString());
}

/// <summary>A patient's clinical settings as the API shows them and the stores keep them.</summary>
public sealed record ClinicalSettingsData(int Spo2Scale, IReadOnlyDictionary<string, RuleLimit> Limits, PersonalBaselines Baselines, WeightGainLimits? WeightGain)
{
    /// <summary>The settings' data, limits in rule id order.</summary>
    public static ClinicalSettingsData From(ClinicalSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var limits = new SortedDictionary<string, RuleLimit>(StringComparer.Ordinal);
        foreach (var (ruleId, change) in settings.Limits)
        {
            limits[ruleId] = RuleLimit.From(change);
        }

        return new(settings.Spo2Scale, limits, settings.Baselines, settings.WeightGain);
    }

    public ClinicalSettings ToSettings() => new()
    {
        Spo2Scale = Spo2Scale,
        Limits = (Limits ?? new Dictionary<string, RuleLimit>()).ToDictionary(pair => pair.Key, pair => pair.Value.ToOverride(), StringComparer.Ordinal),
        Baselines = Baselines ?? new(),
        WeightGain = WeightGain,
    };
}

/// <summary>
/// Clinical settings as stored: canonical JSON (limits in rule id order, unset members left out), so that equal
/// settings have equal text whichever way they were built.
/// </summary>
public static class ClinicalSettingsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(ClinicalSettings settings) => JsonSerializer.Serialize(ClinicalSettingsData.From(settings), Options);

    public static ClinicalSettings Deserialize(string json) =>
        (JsonSerializer.Deserialize<ClinicalSettingsData>(json, Options) ?? throw new JsonException("No clinical settings in the document.")).ToSettings();

    /// <summary>Whether two settings say the same (their limits compared by value, not by dictionary instance).</summary>
    public static bool AreEqual(ClinicalSettings left, ClinicalSettings right) =>
        string.Equals(Serialize(left), Serialize(right), StringComparison.Ordinal);
}
