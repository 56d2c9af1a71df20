using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Api;
using IoMT.Core.Enrichment;
using IoMT.Core.Escalation;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;

namespace IoMT.Core.Patients;

/// <summary>A vital sign's latest value (blood pressure: systolic and diastolic) in its canonical unit.</summary>
public sealed record LatestVital(double? Value, double? Value2, string Unit, DateTimeOffset At);

public sealed record OpenAlertCounts(int High, int Medium, int Low);

/// <summary>A scheduled medication's proportion of days covered over the last week (complete days).</summary>
public sealed record WeeklyAdherence(string MedicationId, int CoveredDays, int ScheduledDays);

/// <summary>
/// A patient as the console's patient list shows them: their name and where they are, latest NEWS2 and vitals, open
/// alerts by priority. Only callers who may read the patient (and so see their identity) get a summary at all.
/// </summary>
public sealed record PatientSummary(
    string Id, IReadOnlyList<string> CareTeams, double? News2, DateTimeOffset? News2At, IReadOnlyDictionary<string, LatestVital> Vitals, OpenAlertCounts OpenAlerts,
    IReadOnlyList<WeeklyAdherence> Adherence)
{
    public string? DisplayName { get; init; }

    public PatientLocation? Location { get; init; }

    /// <summary>False when the latest NEWS2 lacks a parameter (nothing measured it): its total is then only a lower bound.</summary>
    public bool? News2Complete { get; init; }

    /// <summary>The latest NEWS2's response band: a single parameter scoring 3 makes an aggregate of 0–4 <c>lowMedium</c>.</summary>
    public News2Band? News2Band { get; init; }
}

/// <summary>One timeline entry as the API shows it; <see cref="Data"/> is the entry's own JSON (a reading, a score, an alert…).</summary>
public sealed record TimelineItem(string Id, DateTimeOffset At, TimelineEntryType Type, string Code, double? Value, double? Value2, string? DeviceId, JsonElement Data);

/// <summary>The console's view of patients: the caller's patients with their latest state, and one patient's timeline.</summary>
public sealed class PatientOverviewService(IPatientDirectory patients, ITimelineStore timelines, IAlertWorkflows alerts, Adherence.AdherenceService adherence)
{
    public const int MaxPatients = 500;
    public const int MaxEntries = 5000;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    private static readonly IReadOnlyList<ReadingKind> VitalKinds =
        [ReadingKind.Spo2, ReadingKind.HeartRate, ReadingKind.RespiratoryRate, ReadingKind.BodyTemperature, ReadingKind.BloodPressure, ReadingKind.Glucose];

    private static readonly TimelineEntryType[] DefaultTypes =
        [TimelineEntryType.Reading, TimelineEntryType.News2, TimelineEntryType.AlertRaised, TimelineEntryType.AlertRegraded, TimelineEntryType.AlertCleared,
        TimelineEntryType.Quarantine];

    /// <summary>Admins see every patient, clinicians the patients of their care teams, in id order.</summary>
    public async Task<ApiResult<IReadOnlyList<PatientSummary>>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Has(Role.Admin) && !caller.Roles.Any(r => r.IsClinical()))
        {
            return ApiError.Forbid("Only admins, care coordinators, nurses and physicians list patients.");
        }

        var found = await patients.ListAsync(caller.Has(Role.Admin) ? null : [.. caller.CareTeams], MaxPatients, cancellationToken).ConfigureAwait(false);
        var open = (await alerts.ListAsync(new AlertFilter(AlertFilter.Open, PatientIds: [.. found.Select(p => p.Id)]), MaxPatients * 20, cancellationToken)
            .ConfigureAwait(false)).ToLookup(a => a.PatientId, StringComparer.Ordinal);
        var summaries = new List<PatientSummary>(found.Count);
        foreach (var patient in found)
        {
            var codes = VitalKinds.Select(k => k.ContractName()).ToList();
            var vitals = (await timelines.LatestAsync(patient.Id, TimelineEntryType.Reading, codes, cancellationToken).ConfigureAwait(false))
                .ToDictionary(r => r.Code, r => new LatestVital(r.Value, r.Value2, UnitOf(r.Code), r.At), StringComparer.Ordinal);
            var scores = await timelines.LatestAsync(patient.Id, TimelineEntryType.News2, ["news2"], cancellationToken).ConfigureAwait(false);
            var news2 = scores.Count > 0 ? scores[0] : null;
            var facts = News2Facts(news2);
            var mine = open[patient.Id].ToList();
            var week = (await adherence.GetAsync(caller, patient.Id, 7, cancellationToken).ConfigureAwait(false)).Value?.Medications ?? [];
            summaries.Add(new PatientSummary(patient.Id, patient.CareTeams, news2?.Value, news2?.At, vitals, new OpenAlertCounts(
                mine.Count(a => a.Priority == AlertPriority.High), mine.Count(a => a.Priority == AlertPriority.Medium), mine.Count(a => a.Priority == AlertPriority.Low)),
                [.. week.Where(m => m.Pdc is not null).Select(m => new WeeklyAdherence(m.Schedule.MedicationId, m.Pdc!.CoveredDays, m.Pdc.ScheduledDays))])
            {
                DisplayName = patient.DisplayName,
                Location = patient.Location,
                News2Complete = facts.Complete,
                News2Band = facts.Band,
            });
        }

        return summaries;
    }

    /// <summary>Whether a NEWS2 entry had every parameter, and its band, from its data (null where the data lacks them).</summary>
    private static (bool? Complete, News2Band? Band) News2Facts(TimelineRecord? score)
    {
        if (score is null)
        {
            return default;
        }

        using var data = JsonDocument.Parse(score.Data);
        var root = data.RootElement;
        bool? complete = root.TryGetProperty("complete", out var c) && c.ValueKind is JsonValueKind.True or JsonValueKind.False ? c.GetBoolean() : null;
        News2Band? band = root.TryGetProperty("band", out var b) && b.ValueKind == JsonValueKind.String
            && Enum.TryParse<News2Band>(b.GetString(), ignoreCase: true, out var parsed) ? parsed : null;
        return (complete, band);
    }

    /// <summary>
    /// The patient's entries in [<paramref name="from"/>, <paramref name="to"/>) (at most 31 days, up to 5,000 entries),
    /// of the <paramref name="types"/> named (comma-separated; default readings, NEWS2, alert episodes and their regrades, quarantine).
    /// </summary>
    public async Task<ApiResult<IReadOnlyList<TimelineItem>>> TimelineAsync(
        Caller caller, string patientId, DateTimeOffset from, DateTimeOffset to, string? types, CancellationToken cancellationToken = default)
    {
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (to <= from || to - from > MaxRange)
        {
            return ApiError.InvalidParameter("to", $"'from' must come before 'to', at most {MaxRange.TotalDays:0} days apart.");
        }

        var wanted = DefaultTypes;
        if (types is not null)
        {
            var names = types.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var parsed = names.Select(n => EnumNames.TryParse<TimelineEntryType>(n, out var type) ? type : (TimelineEntryType?)null).ToList();
            if (parsed.Count == 0 || parsed.Any(t => t is null))
            {
                return ApiError.InvalidParameter("types", "'types' names entry types, e.g. reading,news2,alertRaised,alertRegraded,alertCleared,quarantine,adherence.");
            }

            wanted = [.. parsed.Select(t => t!.Value).Distinct()];
        }

        var items = new List<TimelineItem>();
        var query = new TimelineQuery(patient!.Id, from, to, wanted, null, TimelineQuery.MaxPageSize);
        await foreach (var record in timelines.ReadAllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            using var data = JsonDocument.Parse(record.Data);
            items.Add(new TimelineItem(record.Id, record.At, record.Type, record.Code, record.Value, record.Value2, record.DeviceId, data.RootElement.Clone()));
            if (items.Count == MaxEntries)
            {
                break;
            }
        }

        return items;
    }

    private static string UnitOf(string code) => code switch
    {
        "spo2" => Ucum.Percent,
        "heartRate" or "respiratoryRate" => Ucum.PerMinute,
        "bodyTemperature" => Ucum.Celsius,
        "bloodPressure" => Ucum.MillimetreOfMercury,
        "glucose" => Ucum.MilligramsPerDecilitre,
        _ => "",
    };
}
