using IoMT.Core.Adherence;

namespace IoMT.Core.Tests.Adherence;

public class MedicationSchedulesTests
{
    private static MedicationSchedule Daily(string zone, params TimeOnly[] times) => new()
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = times,
        TimeZone = zone,
        EffectiveFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void Occurrences_FollowThePatientsClockAcrossBothDstChanges()
    {
        var schedule = Daily("Europe/London", new TimeOnly(8, 0));

        var march = MedicationSchedules.Occurrences(schedule, Utc(3, 28, 0), Utc(3, 30, 0)).ToList();
        var october = MedicationSchedules.Occurrences(schedule, Utc(10, 24, 0), Utc(10, 26, 0)).ToList();

        Assert.Equal([Utc(3, 28, 8), Utc(3, 29, 7)], march);
        Assert.Equal([Utc(10, 24, 7), Utc(10, 25, 8)], october);
    }

    [Fact]
    public void Occurrences_SkippedHourMovesForwardAndRepeatedHourIsDueOnce()
    {
        var schedule = Daily("Europe/London", new TimeOnly(1, 30));

        var spring = MedicationSchedules.Occurrences(schedule, Utc(3, 29, 0), Utc(3, 30, 0)).ToList();
        var autumn = MedicationSchedules.Occurrences(schedule, Utc(10, 25, 0), Utc(10, 26, 0)).ToList();

        Assert.Equal([Utc(3, 29, 1, 30)], spring);
        Assert.Equal([Utc(10, 25, 0, 30)], autumn);
    }

    [Fact]
    public void Occurrences_OnlyOnTheScheduledLocalDaysAndNotBeforeTheScheduleStarts()
    {
        var schedule = Daily("America/New_York", new TimeOnly(21, 0)) with
        {
            Days = [DayOfWeek.Monday, DayOfWeek.Thursday],
            EffectiveFrom = Utc(11, 17, 3),
        };

        var doses = MedicationSchedules.Occurrences(schedule, Utc(11, 1, 0), Utc(11, 24, 12)).ToList();

        // 21:00 in New York is 02:00 UTC the next day; Monday 16 Nov (02:00 UTC on the 17th) is before the schedule starts.
        Assert.Equal([Utc(11, 20, 2), Utc(11, 24, 2)], doses);
    }

    [Fact]
    public void Validate_EachProblemNamedByItsPointer()
    {
        var schedule = Daily("Mars/Olympus_Mons") with { MedicationId = "", DoseWindow = TimeSpan.FromHours(13), RescuePuffLimit = 0 };

        var fields = MedicationSchedules.Validate(schedule).Select(e => e.Field).ToList();

        Assert.Equal(["/medicationId", "/timeZone", "/timesOfDay", "/doseWindow", "/rescuePuffLimit"], fields);
        Assert.Empty(MedicationSchedules.Validate(Daily("Europe/Paris", new TimeOnly(8, 0))));
        Assert.Single(MedicationSchedules.Validate(Daily("UTC", new TimeOnly(8, 0)) with { Kind = MedicationKind.RescueInhaler }));
    }

    [Fact]
    public void Pdc_CountsDaysWithEveryDoseTaken()
    {
        var schedule = Daily("Europe/Paris", new TimeOnly(8, 0), new TimeOnly(20, 0));
        var outcomes = new (DateTimeOffset, DoseStatus)[]
        {
            (Utc(11, 18, 7), DoseStatus.Taken), (Utc(11, 18, 19), DoseStatus.TakenLate),
            (Utc(11, 19, 7), DoseStatus.Taken), (Utc(11, 19, 19), DoseStatus.Missed),
            (Utc(11, 20, 7), DoseStatus.Taken), (Utc(11, 20, 19), DoseStatus.Taken),
        };

        var pdc = ProportionOfDaysCovered.Compute(schedule, outcomes, new DateOnly(2026, 11, 18), new DateOnly(2026, 11, 21));

        Assert.Equal(new PdcResult(2, 4), pdc);
        Assert.Equal(0.5, pdc.Ratio);
    }
}
