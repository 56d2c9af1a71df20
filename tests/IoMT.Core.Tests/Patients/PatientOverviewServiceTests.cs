using IoMT.Core.Access;
using IoMT.Core.Enrichment;
using IoMT.Core.Escalation;
using IoMT.Core.Patients;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Patients;

public class PatientOverviewServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly Caller Nurse = new("nurse-1", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly Alerts _alerts = new();
    private readonly PatientOverviewService _service;

    public PatientOverviewServiceTests()
    {
        var directory = new InMemoryPatientDirectory(
            new PatientRecord("patient-1", ["ward-7"]) { DisplayName = "Ada Lovelace", Location = new PatientLocation { Ward = "7", Bed = "B" } },
            new PatientRecord("patient-2", ["ward-9"]) { DisplayName = "Charles Babbage" });
        var adherence = new Core.Adherence.AdherenceService(new Schedules(), directory, _timeline, new ManualClock(T0));
        _service = new PatientOverviewService(directory, _timeline, _alerts, adherence);
    }

    [Fact]
    public async Task List_TheCallersCareTeams_WithLatestNews2VitalsAndOpenAlerts()
    {
        await _timeline.AppendAsync("b1", [
            Record("r1", T0, "spo2", 91), Record("r2", T0.AddMinutes(1), "spo2", 88), Record("r3", T0, "bloodPressure", 120, 80),
            new TimelineRecord("n1", "patient-1", T0, TimelineEntryType.News2, "news2", 6, null, null, "{}"),
        ]);
        _alerts.Open.Add(AlertView.From(new EscalationState { Alert = WorkflowFixtures.Raised(T0), Policy = DefaultEscalationPolicies.Urgent }));

        var summary = Assert.Single((await _service.ListAsync(Nurse)).Value!);

        Assert.Equal(("patient-1", 6.0), (summary.Id, summary.News2));
        Assert.Equal(("Ada Lovelace", new PatientLocation { Ward = "7", Bed = "B" }), (summary.DisplayName, summary.Location));
        Assert.Equal((88.0, "%"), (summary.Vitals["spo2"].Value, summary.Vitals["spo2"].Unit));
        Assert.Equal((120.0, 80.0), (summary.Vitals["bloodPressure"].Value, summary.Vitals["bloodPressure"].Value2));
        Assert.Equal(new OpenAlertCounts(1, 0, 0), summary.OpenAlerts);
        Assert.Equal(new WeeklyAdherence("metformin", 0, 3), Assert.Single(summary.Adherence));
        Assert.Equal(403, (await _service.ListAsync(new Caller("maker", new HashSet<Role> { Role.DeviceMaker }, new HashSet<string>()))).Error!.Status);
    }

    [Theory]
    [InlineData(96.0, 72.0, false, News2Band.Low)] // a home oximeter: SpO2 and pulse only, total 0 of what was measured
    [InlineData(91.0, 72.0, false, News2Band.LowMedium)] // SpO2 91 % scores 3 on its own: an urgent ward-based response
    public async Task List_TheLatestNews2_SaysWhetherItIsCompleteAndItsBand(double spo2, double pulse, bool complete, News2Band band)
    {
        var score = News2.Score(new News2Input(null, spo2, 1, null, null, pulse, null, null));
        await _timeline.AppendAsync("b1", [TimelineRecords.From(new News2Entry("patient-1", T0, score, []))]);

        var summary = Assert.Single((await _service.ListAsync(Nurse)).Value!);

        Assert.Equal((score.Total, complete, band), ((int)summary.News2!.Value, summary.News2Complete, summary.News2Band));
    }

    [Fact]
    public async Task List_NoNews2_NoCompletenessOrBand()
    {
        var summary = Assert.Single((await _service.ListAsync(Nurse)).Value!);

        Assert.Equal((null, null, null), (summary.News2, summary.News2Complete, summary.News2Band));
    }

    [Fact]
    public async Task Timeline_DefaultTypesInRange_DataAsJson()
    {
        await _timeline.AppendAsync("b1", [Record("r1", T0, "spo2", 91), Record("r2", T0.AddHours(2), "spo2", 95),
            new TimelineRecord("a1", "patient-1", T0, TimelineEntryType.Audit, "x", null, null, null, "{\"actor\":\"a\"}")]);

        var items = (await _service.TimelineAsync(Nurse, "patient-1", T0, T0.AddHours(1), null)).Value!;

        var item = Assert.Single(items);
        Assert.Equal(("r1", 91.0, "monitor-1"), (item.Id, item.Value, item.DeviceId));
        Assert.Equal(1, item.Data.GetProperty("n").GetInt32());
        Assert.Single((await _service.TimelineAsync(Nurse, "patient-1", T0, T0.AddHours(1), "audit")).Value!);
    }

    [Fact]
    public async Task Timeline_AlertRegraded_InTheDefaultTypesAndByName()
    {
        await _timeline.AppendAsync("b1", [
            new TimelineRecord("g1", "patient-1", T0, TimelineEntryType.AlertRegraded, "news2-emergency", null, null, null, "{}"), Record("r1", T0, "spo2", 91)]);

        Assert.Equal(2, (await _service.TimelineAsync(Nurse, "patient-1", T0, T0.AddHours(1), null)).Value!.Count);
        var item = Assert.Single((await _service.TimelineAsync(Nurse, "patient-1", T0, T0.AddHours(1), "alertRegraded")).Value!);
        Assert.Equal(("g1", TimelineEntryType.AlertRegraded), (item.Id, item.Type));
    }

    [Theory]
    [InlineData("patient-2", 0, 1, null, 404)]
    [InlineData("patient-1", 1, 0, null, 400)]
    [InlineData("patient-1", 0, 24 * 32, null, 400)]
    [InlineData("patient-1", 0, 1, "reading,sometimes", 400)]
    public async Task Timeline_NotVisibleOrBadRange_PreciseError(string patientId, int fromHours, int toHours, string? types, int status)
    {
        var result = await _service.TimelineAsync(Nurse, patientId, T0.AddHours(fromHours), T0.AddHours(toHours), types);

        Assert.Equal(status, result.Error!.Status);
    }

    private static TimelineRecord Record(string id, DateTimeOffset at, string code, double value, double? value2 = null) =>
        new(id, "patient-1", at, TimelineEntryType.Reading, code, value, value2, "monitor-1", "{\"n\":1}");

    private sealed class Schedules : Core.Adherence.IMedicationSchedules
    {
        public Task SaveAsync(Core.Adherence.MedicationSchedule schedule, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<Core.Adherence.MedicationSchedule>> ListAsync(string patientId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Core.Adherence.MedicationSchedule>>(
                [new() { PatientId = patientId, MedicationId = "metformin", TimesOfDay = [new(8, 0)], EffectiveFrom = T0.AddDays(-3) }]);
    }

    private sealed class Alerts : IAlertWorkflows
    {
        public List<AlertView> Open { get; } = [];

        public Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default) => Task.FromResult<AlertView?>(null);

        public Task<IReadOnlyList<AlertView>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AlertView>>([.. Open.Where(a => filter.PatientIds?.Contains(a.PatientId) != false)]);

        public Task<DecisionOutcome> SendAsync(string alertId, EscalationInput input, CancellationToken cancellationToken = default) =>
            Task.FromResult(DecisionOutcome.Invalid);
    }
}
