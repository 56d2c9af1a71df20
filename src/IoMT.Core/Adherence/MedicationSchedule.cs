namespace IoMT.Core.Adherence;

/// <summary>How a medication is taken: at scheduled times (pills, controller inhalers), or as needed (rescue inhalers).</summary>
public enum MedicationKind
{
    Scheduled,
    ControllerInhaler,
    RescueInhaler,
}

/// <summary>
/// A patient's medication and when to take it: local <see cref="TimesOfDay"/> on <see cref="Days"/> (all days when
/// empty) in the patient's <see cref="TimeZone"/> (IANA id), so doses follow the patient's clock across DST changes.
/// A dose counts as on time from <see cref="EarlyWindow"/> before to <see cref="DoseWindow"/> after its time; the
/// patient is reminded when the window closes; after <see cref="GracePeriod"/> more the dose is missed and the
/// caregiver is told, and the care coordinator <see cref="CoordinatorAfter"/> later. Rescue inhalers have no times:
/// more than <see cref="RescuePuffLimit"/> puffs in 24 hours raises an overuse alert.
/// </summary>
public sealed record MedicationSchedule
{
    public required string PatientId { get; init; }

    public required string MedicationId { get; init; }

    public MedicationKind Kind { get; init; } = MedicationKind.Scheduled;

    public IReadOnlyList<TimeOnly> TimesOfDay { get; init; } = [];

    public IReadOnlyList<DayOfWeek> Days { get; init; } = [];

    public string TimeZone { get; init; } = "UTC";

    public TimeSpan EarlyWindow { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan DoseWindow { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan CoordinatorAfter { get; init; } = TimeSpan.FromMinutes(60);

    public int RescuePuffLimit { get; init; } = 8;

    /// <summary>Doses of this schedule are due from here on (no follow-up for doses before the schedule existed).</summary>
    public required DateTimeOffset EffectiveFrom { get; init; }

    /// <summary>Where a dose stops counting as on time and the follow-ups begin.</summary>
    public DateTimeOffset WindowEnd(DateTimeOffset scheduled) => scheduled + DoseWindow;

    public DateTimeOffset MissedAt(DateTimeOffset scheduled) => scheduled + DoseWindow + GracePeriod;

    public DateTimeOffset CoordinatorAt(DateTimeOffset scheduled) => MissedAt(scheduled) + CoordinatorAfter;
}

public static class MedicationSchedules
{
    public const int MaxTimesPerDay = 12;

    /// <summary>
    /// The scheduled doses with <paramref name="from"/> ≤ time &lt; <paramref name="to"/>, in order. Local times that do
    /// not exist (the hour skipped when clocks go forward) move forward by the gap, as a wall clock would show them;
    /// local times that occur twice (clocks go back) are due once, at the first.
    /// </summary>
    public static IEnumerable<DateTimeOffset> Occurrences(MedicationSchedule schedule, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Kind == MedicationKind.RescueInhaler || schedule.TimesOfDay.Count == 0)
        {
            yield break;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        var start = from < schedule.EffectiveFrom ? schedule.EffectiveFrom : from;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime).AddDays(-1);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime).AddDays(1);
        var times = schedule.TimesOfDay.Distinct().Order().ToList();
        for (; day <= lastDay; day = day.AddDays(1))
        {
            if (schedule.Days.Count > 0 && !schedule.Days.Contains(day.DayOfWeek))
            {
                continue;
            }

            foreach (var time in times)
            {
                var at = ToInstant(day.ToDateTime(time), zone);
                if (at >= start && at < to)
                {
                    yield return at;
                }
            }
        }
    }

    /// <summary>The next scheduled dose at or after <paramref name="after"/>, looking up to two weeks ahead.</summary>
    public static DateTimeOffset? Next(MedicationSchedule schedule, DateTimeOffset after) =>
        Occurrences(schedule, after, after.AddDays(14)).Select(t => (DateTimeOffset?)t).FirstOrDefault();

    public static IReadOnlyList<(string Field, string Message)> Validate(MedicationSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var errors = new List<(string, string)>();
        if (!Identifiers.IsValid(schedule.MedicationId))
        {
            errors.Add(("/medicationId", $"A medication id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'."));
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out _))
        {
            errors.Add(("/timeZone", $"'{schedule.TimeZone}' is not a known time zone; use an IANA id such as Europe/Paris."));
        }

        if (schedule.Kind == MedicationKind.RescueInhaler ? schedule.TimesOfDay.Count > 0 : schedule.TimesOfDay.Count is 0 or > MaxTimesPerDay)
        {
            errors.Add(("/timesOfDay", schedule.Kind == MedicationKind.RescueInhaler
                ? "A rescue inhaler is taken as needed: it has no times of day."
                : $"A scheduled medication has 1–{MaxTimesPerDay} times of day."));
        }

        var windows = new[] { ("/earlyWindow", schedule.EarlyWindow), ("/doseWindow", schedule.DoseWindow), ("/gracePeriod", schedule.GracePeriod), ("/coordinatorAfter", schedule.CoordinatorAfter) };
        errors.AddRange(windows.Where(w => w.Item2 < TimeSpan.Zero || w.Item2 > TimeSpan.FromHours(12)).Select(w => (w.Item1, "Between 0 and 12 hours.")));
        if (schedule.RescuePuffLimit is < 1 or > 100)
        {
            errors.Add(("/rescuePuffLimit", "Between 1 and 100 puffs in 24 hours."));
        }

        return errors;
    }

    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(local))
        {
            // The skipped hour: a dose at 02:30 on the night clocks jump from 02:00 to 03:00 is due at 03:30.
            var before = zone.GetUtcOffset(local.AddHours(-3));
            return new DateTimeOffset(local, before).ToOffset(TimeSpan.Zero);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToOffset(TimeSpan.Zero);
    }
}
