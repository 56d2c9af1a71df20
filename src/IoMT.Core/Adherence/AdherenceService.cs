using System.Globalization;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;

namespace IoMT.Core.Adherence;

/// <summary>
/// Where a host keeps medication schedules and runs their adherence: saving one (re)starts the medication's adherence
/// workflow under it (the local engine, or a Durable instance).
/// </summary>
public interface IMedicationSchedules
{
    Task SaveAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<MedicationSchedule>> ListAsync(string patientId, CancellationToken cancellationToken = default);
}

/// <summary>
/// A medication schedule as the API takes it: <c>kind</c> (scheduled, controllerInhaler, rescueInhaler), local
/// <c>timesOfDay</c> ("08:00"), <c>days</c> (monday…; none: every day), an IANA <c>timeZone</c>, windows in minutes.
/// </summary>
public sealed record ScheduleRequest(
    string? Kind = null,
    IReadOnlyList<string?>? TimesOfDay = null,
    IReadOnlyList<string?>? Days = null,
    string? TimeZone = null,
    int? EarlyWindowMinutes = null,
    int? DoseWindowMinutes = null,
    int? GracePeriodMinutes = null,
    int? CoordinatorAfterMinutes = null,
    int? RescuePuffLimit = null);

/// <summary>A schedule as the API shows it (the request's shape, plus when it took effect).</summary>
public sealed record ScheduleView(
    string MedicationId, string Kind, IReadOnlyList<string> TimesOfDay, IReadOnlyList<string> Days, string TimeZone, int EarlyWindowMinutes,
    int DoseWindowMinutes, int GracePeriodMinutes, int CoordinatorAfterMinutes, int RescuePuffLimit, DateTimeOffset EffectiveFrom)
{
    public static ScheduleView From(MedicationSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new ScheduleView(schedule.MedicationId, Camel(schedule.Kind.ToString()),
            [.. schedule.TimesOfDay.Select(t => t.ToString("HH:mm", CultureInfo.InvariantCulture))], [.. schedule.Days.Select(d => Camel(d.ToString()))],
            schedule.TimeZone, (int)schedule.EarlyWindow.TotalMinutes, (int)schedule.DoseWindow.TotalMinutes, (int)schedule.GracePeriod.TotalMinutes,
            (int)schedule.CoordinatorAfter.TotalMinutes, schedule.RescuePuffLimit, schedule.EffectiveFrom);
    }

    private static string Camel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}

/// <summary>
/// One medication's adherence over the period: its schedule, the proportion of days covered (complete days with every
/// scheduled dose taken; none for rescue inhalers) and each dose's outcome, oldest first.
/// </summary>
public sealed record MedicationAdherence(ScheduleView Schedule, PdcResult? Pdc, IReadOnlyList<DoseOutcome> Doses);

public sealed record AdherenceView(string PatientId, int Days, IReadOnlyList<MedicationAdherence> Medications);

/// <summary>Medication schedules and the adherence view: clinicians of the patient's care teams (and admins) set and read them.</summary>
public sealed class AdherenceService(IMedicationSchedules schedules, IPatientDirectory patients, ITimelineStore timelines, TimeProvider time)
{
    public const int MaxDays = 90;

    public async Task<ApiResult<ScheduleView>> SaveScheduleAsync(
        Caller caller, string patientId, string medicationId, ScheduleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Roles.Any(r => r.IsClinical()) && !caller.Has(Role.Admin))
        {
            return ApiError.Forbid("Only admins, care coordinators, nurses and physicians set medication schedules.");
        }

        if (!Identifiers.IsValid(medicationId))
        {
            return ApiError.InvalidParameter("medicationId", $"A medication id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'.");
        }

        var now = time.GetUtcNow();
        var parsed = Parse(request, patient!.Id, medicationId, now);
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        await schedules.SaveAsync(parsed.Value!, cancellationToken).ConfigureAwait(false);
        var audit = TimelineRecords.From(new AuditEntry(patient.Id, now, caller.Id, "medication.schedule", medicationId));
        await timelines.AppendAsync(audit.Id, [audit], cancellationToken).ConfigureAwait(false);
        return ScheduleView.From(parsed.Value!);
    }

    /// <summary>The patient's medications over the last <paramref name="days"/> complete days (PDC) and their doses up to now.</summary>
    public async Task<ApiResult<AdherenceView>> GetAsync(Caller caller, string patientId, int days = 30, CancellationToken cancellationToken = default)
    {
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (days is < 1 or > MaxDays)
        {
            return ApiError.InvalidParameter("days", $"'days' must be 1–{MaxDays}.");
        }

        var now = time.GetUtcNow();
        var medications = new List<MedicationAdherence>();
        foreach (var schedule in (await schedules.ListAsync(patient!.Id, cancellationToken).ConfigureAwait(false)).OrderBy(s => s.MedicationId, StringComparer.Ordinal))
        {
            var doses = await DosesAsync(schedule, now.AddDays(-days - 1), now, cancellationToken).ConfigureAwait(false);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var pdc = schedule.Kind == MedicationKind.RescueInhaler ? null
                : ProportionOfDaysCovered.Compute(schedule, doses.Where(d => d.ScheduledAt is not null).Select(d => (d.ScheduledAt!.Value, d.Status)),
                    today.AddDays(-days), today.AddDays(-1));
            medications.Add(new MedicationAdherence(ScheduleView.From(schedule), pdc, doses));
        }

        return new AdherenceView(patient.Id, days, medications);
    }

    private async Task<List<DoseOutcome>> DosesAsync(MedicationSchedule schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var doses = new List<DoseOutcome>();
        var query = new TimelineQuery(schedule.PatientId, from, to.AddTicks(1), [TimelineEntryType.Adherence], [schedule.MedicationId], TimelineQuery.MaxPageSize);
        await foreach (var record in timelines.ReadAllAsync(query, cancellationToken).ConfigureAwait(false))
        {
            doses.Add(WorkflowJson.Deserialize<DoseOutcome>(record.Data));
        }

        // A dose can be missed, then taken late: its latest outcome stands.
        return [.. doses.GroupBy(d => d.ScheduledAt ?? d.TakenAt).Select(g => g.Last()).Where(d => d.ScheduledAt is null || d.ScheduledAt >= schedule.EffectiveFrom)];
    }

    private static ApiResult<MedicationSchedule> Parse(ScheduleRequest request, string patientId, string medicationId, DateTimeOffset now)
    {
        if (!EnumNames.TryParse<MedicationKind>(request.Kind ?? "scheduled", out var kind))
        {
            return ApiError.InvalidBody("/kind", "'kind' must be scheduled, controllerInhaler or rescueInhaler.");
        }

        var times = new List<TimeOnly>();
        for (var i = 0; i < (request.TimesOfDay?.Count ?? 0); i++)
        {
            if (!TimeOnly.TryParseExact(request.TimesOfDay![i], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                return ApiError.InvalidBody($"/timesOfDay/{i}", "A time of day is local 24-hour time, e.g. \"08:00\".");
            }

            times.Add(at);
        }

        var days = new List<DayOfWeek>();
        for (var i = 0; i < (request.Days?.Count ?? 0); i++)
        {
            if (request.Days![i] is not { } day || !EnumNames.TryParse<DayOfWeek>(day, out var parsed))
            {
                return ApiError.InvalidBody($"/days/{i}", "A day is monday, tuesday, wednesday, thursday, friday, saturday or sunday.");
            }

            days.Add(parsed);
        }

        var defaults = new MedicationSchedule { PatientId = patientId, MedicationId = medicationId, EffectiveFrom = now };
        var schedule = defaults with
        {
            Kind = kind,
            TimesOfDay = times,
            Days = days,
            TimeZone = request.TimeZone ?? defaults.TimeZone,
            EarlyWindow = Minutes(request.EarlyWindowMinutes, defaults.EarlyWindow),
            DoseWindow = Minutes(request.DoseWindowMinutes, defaults.DoseWindow),
            GracePeriod = Minutes(request.GracePeriodMinutes, defaults.GracePeriod),
            CoordinatorAfter = Minutes(request.CoordinatorAfterMinutes, defaults.CoordinatorAfter),
            RescuePuffLimit = request.RescuePuffLimit ?? defaults.RescuePuffLimit,
        };
        if (MedicationSchedules.Validate(schedule) is [var (field, message), ..])
        {
            return ApiError.InvalidBody(field is "/earlyWindow" or "/doseWindow" or "/gracePeriod" or "/coordinatorAfter" ? field + "Minutes" : field, message);
        }

        return schedule;
    }

    private static TimeSpan Minutes(int? minutes, TimeSpan fallback) => minutes is { } m ? TimeSpan.FromMinutes(m) : fallback;
}
