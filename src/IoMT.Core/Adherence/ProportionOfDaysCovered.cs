namespace IoMT.Core.Adherence;

/// <summary>PDC over a period: the days with every scheduled dose taken (on time or late), of the days with any scheduled dose.</summary>
public sealed record PdcResult(int CoveredDays, int ScheduledDays)
{
    public double Ratio => ScheduledDays == 0 ? 0 : (double)CoveredDays / ScheduledDays;
}

public static class ProportionOfDaysCovered
{
    /// <summary>
    /// PDC of <paramref name="schedule"/> for the patient's local days <paramref name="from"/> to <paramref name="to"/>
    /// (inclusive), from the doses' outcomes (<see cref="RecordDose"/> entries). Device-measured adherence counts a day
    /// as covered only when every dose scheduled that day was taken, stricter than pharmacy-refill PDC.
    /// </summary>
    public static PdcResult Compute(MedicationSchedule schedule, IEnumerable<(DateTimeOffset ScheduledAt, DoseStatus Status)> outcomes, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(outcomes);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(from.ToDateTime(TimeOnly.MinValue)));
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue)));
        var taken = outcomes.Where(o => o.Status is DoseStatus.Taken or DoseStatus.TakenLate).Select(o => o.ScheduledAt).ToHashSet();
        var days = MedicationSchedules.Occurrences(schedule, start, end)
            .GroupBy(at => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime))
            .Where(day => day.Key >= from && day.Key <= to)
            .ToList();
        return new PdcResult(days.Count(day => day.All(taken.Contains)), days.Count);
    }
}
