using IoMT.Core.Access;
using IoMT.Core.Adherence;
using IoMT.Core.Api;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Testing;

namespace IoMT.Core.Tests.Adherence;

public class AdherenceServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly Caller Nurse = new("nurse-1", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });
    private static readonly Caller OtherWard = new("nurse-2", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-9" });
    private readonly Schedules _schedules = new();
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly AdherenceService _service;

    public AdherenceServiceTests()
    {
        _service = new AdherenceService(_schedules, new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"])), _timeline, new ManualClock(Now));
    }

    [Fact]
    public async Task SaveSchedule_FullRequest_SavedFromNowAndAudited()
    {
        var request = new ScheduleRequest("scheduled", ["08:00", "20:00"], ["monday", "Thursday"], "Europe/Paris", 30, 45, 60, 90);

        var view = (await _service.SaveScheduleAsync(Nurse, "patient-1", "metformin", request)).Value!;

        var saved = Assert.Single(_schedules.Saved);
        Assert.Equal((Now, "Europe/Paris", TimeSpan.FromMinutes(45)), (saved.EffectiveFrom, saved.TimeZone, saved.DoseWindow));
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Thursday], saved.Days);
        Assert.Equal(["08:00", "20:00"], view.TimesOfDay);
        Assert.Equal(["monday", "thursday"], view.Days);
        Assert.Equal(90, view.CoordinatorAfterMinutes);
        Assert.Contains(_timeline.All, r => r.Type == TimelineEntryType.Audit && r.Code == "medication.schedule");
    }

    [Theory]
    [InlineData("/kind", "sometimes", "08:00", "monday", "UTC", 60)]
    [InlineData("/timesOfDay/0", "scheduled", "8am", "monday", "UTC", 60)]
    [InlineData("/days/0", "scheduled", "08:00", "someday", "UTC", 60)]
    [InlineData("/timeZone", "scheduled", "08:00", "monday", "Mars/Olympus", 60)]
    [InlineData("/doseWindowMinutes", "scheduled", "08:00", "monday", "UTC", 1000)]
    [InlineData("/timesOfDay", "rescueInhaler", "08:00", "monday", "UTC", 60)]
    public async Task SaveSchedule_BadField_PointerNamesIt_NothingSaved(string pointer, string kind, string time, string day, string zone, int window)
    {
        var result = await _service.SaveScheduleAsync(Nurse, "patient-1", "metformin", new ScheduleRequest(kind, [time], [day], zone, DoseWindowMinutes: window));

        Assert.Equal((400, pointer), (result.Error!.Status, result.Error.Field));
        Assert.Empty(_schedules.Saved);
    }

    [Fact]
    public async Task SaveAndRead_NurseOfAnotherWard_NotFound_NothingSaved()
    {
        var save = await _service.SaveScheduleAsync(OtherWard, "patient-1", "metformin", new ScheduleRequest(TimesOfDay: ["08:00"]));
        var read = await _service.GetAsync(OtherWard, "patient-1");

        Assert.Equal(404, save.Error!.Status);
        Assert.Equal(404, read.Error!.Status);
        Assert.Empty(_schedules.Saved);
    }

    [Fact]
    public async Task Get_ThreeDaysOfDoses_PdcOverCompleteDaysAndEveryOutcome()
    {
        var schedule = new MedicationSchedule { PatientId = "patient-1", MedicationId = "metformin", TimesOfDay = [new(8, 0)], EffectiveFrom = Now.AddDays(-3) };
        await _schedules.SaveAsync(schedule);
        var day = new DateTimeOffset(2026, 11, 18, 8, 0, 0, TimeSpan.Zero);
        await Record(new DoseOutcome("metformin", day, DoseStatus.Taken, day.AddMinutes(5)));
        await Record(new DoseOutcome("metformin", day.AddDays(1), DoseStatus.Missed, null));
        await Record(new DoseOutcome("metformin", day.AddDays(2), DoseStatus.Missed, null));
        await Record(new DoseOutcome("metformin", day.AddDays(2), DoseStatus.TakenLate, day.AddDays(2).AddHours(3)));
        await Record(new DoseOutcome("metformin", day.AddDays(3), DoseStatus.Taken, day.AddDays(3).AddMinutes(1)));

        var view = (await _service.GetAsync(Nurse, "patient-1", days: 3)).Value!;

        var medication = Assert.Single(view.Medications);
        Assert.Equal(new PdcResult(1, 2), medication.Pdc);
        Assert.Equal([DoseStatus.Missed, DoseStatus.TakenLate, DoseStatus.Taken], medication.Doses.Select(d => d.Status));
        Assert.Equal(ApiError.ParameterInvalid, (await _service.GetAsync(Nurse, "patient-1", days: 91)).Error!.Code);
    }

    private Task Record(DoseOutcome outcome)
    {
        var key = $"{outcome.ScheduledAt:O}:{outcome.Status}";
        return _timeline.AppendAsync(key, [new TimelineRecord(DeterministicId.Create("ad_", key), "patient-1", outcome.TakenAt ?? outcome.ScheduledAt!.Value,
            TimelineEntryType.Adherence, outcome.MedicationId, null, null, null, WorkflowJson.Serialize(outcome))]);
    }

    private sealed class Schedules : IMedicationSchedules
    {
        public List<MedicationSchedule> Saved { get; } = [];

        public Task SaveAsync(MedicationSchedule schedule, CancellationToken cancellationToken = default)
        {
            Saved.RemoveAll(s => s.MedicationId == schedule.MedicationId);
            Saved.Add(schedule);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<MedicationSchedule>> ListAsync(string patientId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<MedicationSchedule>>([.. Saved.Where(s => s.PatientId == patientId)]);
    }
}
