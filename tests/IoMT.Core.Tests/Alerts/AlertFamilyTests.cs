using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

/// <summary>One alert per deterioration: rules that grade one condition share one alert whose priority follows the grade.</summary>
public class AlertFamilyTests
{
    private const string Device = "oximeter-0042";
    private const string Patient = "patient-0001";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    private readonly IngestionPipeline _pipeline = new();
    private readonly InMemoryIngestionContext _context =
        new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, Patient, T0.AddDays(-1), null));

    [Fact]
    public void News2Of11_OneAlertAtTheEmergencyGrade()
    {
        var result = Vitals(0, respiratoryRate: 25, spo2: 93, systolic: 95, pulse: 115, celsius: 39.1);

        var raised = Assert.Single(News2Events(result).OfType<AlertRaised>());
        Assert.Equal(11, result.Scores[^1].Score.Total);
        Assert.Equal(("news2-emergency", AlertPriority.High), (raised.RuleId, raised.Priority));
        Assert.Equal(AlertIds.For($"{Patient}:news2", T0), raised.AlertId);
        Assert.Single(News2Events(result));
    }

    [Fact]
    public void News2RisingThenFallingThenClearing_OneAlertRegradedInPlaceThenCleared()
    {
        var urgent = News2Events(Vitals(0, respiratoryRate: 22, spo2: 95, systolic: 105, pulse: 95, celsius: 37));
        var emergency = News2Events(Vitals(1, respiratoryRate: 22, spo2: 93, systolic: 105, pulse: 115, celsius: 38.5));
        var six = News2Events(Vitals(2, respiratoryRate: 22, spo2: 93, systolic: 105, pulse: 95, celsius: 38.5));
        var five = News2Events(Vitals(3, respiratoryRate: 22, spo2: 95, systolic: 105, pulse: 95, celsius: 37));
        var two = News2Events(Vitals(4, respiratoryRate: 16, spo2: 96, systolic: 120, pulse: 95, celsius: 38.5));

        var raised = Assert.IsType<AlertRaised>(Assert.Single(urgent));
        Assert.Equal(("news2-urgent", AlertPriority.Medium), (raised.RuleId, raised.Priority));
        var up = Assert.IsType<AlertRegraded>(Assert.Single(emergency));
        Assert.Equal((raised.AlertId, "news2-emergency", AlertPriority.High, T0.AddMinutes(1)), (up.AlertId, up.RuleId, up.Priority, up.RegradedAt));
        Assert.Empty(six);
        var down = Assert.IsType<AlertRegraded>(Assert.Single(five));
        Assert.Equal((raised.AlertId, "news2-urgent", AlertPriority.Medium), (down.AlertId, down.RuleId, down.Priority));
        var cleared = Assert.IsType<AlertCleared>(Assert.Single(two));
        Assert.Equal(raised.AlertId, cleared.AlertId);
    }

    [Fact]
    public void News2Redelivered_NothingRaisedOrRegradedAgain()
    {
        Vitals(0, respiratoryRate: 22, spo2: 95, systolic: 105, pulse: 95, celsius: 37);
        Vitals(1, respiratoryRate: 22, spo2: 93, systolic: 105, pulse: 115, celsius: 38.5);

        var again = Vitals(1, respiratoryRate: 22, spo2: 93, systolic: 105, pulse: 115, celsius: 38.5, position: "redelivered");

        Assert.Empty(again.Events);
    }

    [Fact]
    public void GlucoseUrgentLowThenRecovering_OneAlertMovingFromUrgentToLowThenCleared()
    {
        var events = new[] { 50.0, 72, 80 }
            .Select((mgPerDl, minute) => _pipeline.Process(
                [new TelemetryMessage(Device, $"g-{minute}").Glucose(mgPerDl, T0.AddMinutes(minute)).Received(receivedAt: T0.AddMinutes(minute))], _context).Events)
            .ToList();

        var raised = Assert.IsType<AlertRaised>(Assert.Single(events[0]));
        Assert.Equal(("glucose-urgent-low", AlertPriority.High, $"{Patient}:glucose-low"), (raised.RuleId, raised.Priority, raised.DedupKey));
        var milder = Assert.IsType<AlertRegraded>(Assert.Single(events[1]));
        Assert.Equal((raised.AlertId, "glucose-low", AlertPriority.Medium), (milder.AlertId, milder.RuleId, milder.Priority));
        Assert.Equal(raised.AlertId, Assert.IsType<AlertCleared>(Assert.Single(events[2])).AlertId);
    }

    [Fact]
    public void RuleWithoutAFamily_AlertIdUnchanged()
    {
        var result = _pipeline.Process([new TelemetryMessage(Device).Temperature(39.5, T0).Received(receivedAt: T0)], _context);

        Assert.Equal(AlertIds.For($"{Patient}:temperature-high", T0), Assert.Single(result.Events.OfType<AlertRaised>()).AlertId);
    }

    [Fact]
    public void WorstGradeDisabledWhileOpen_AlertStaysAtTheRemainingGrade()
    {
        Vitals(0, respiratoryRate: 25, spo2: 93, systolic: 95, pulse: 115, celsius: 39.1);
        _context.SetProfile(new PatientProfile
        {
            PatientId = Patient,
            Rules = AlertRuleSet.Defaults.WithOverrides(new Dictionary<string, RuleOverride> { ["news2-emergency"] = new() { Enabled = false } }),
        });

        var result = _pipeline.Process([new TelemetryMessage(Device, "later").Spo2(93, T0.AddSeconds(30)).Received(receivedAt: T0.AddSeconds(30))], _context);

        var regraded = Assert.Single(result.Events.OfType<AlertRegraded>());
        Assert.Equal(("news2-urgent", AlertIds.For($"{Patient}:news2", T0)), (regraded.RuleId, regraded.AlertId));
        Assert.DoesNotContain(result.Events.OfType<AlertCleared>(), e => e.DedupKey.EndsWith(":news2", StringComparison.Ordinal));
    }

    [Fact]
    public void FamilyAcrossSignals_RefusedByName()
    {
        var rules = DefaultAlertRules.All.Select(r => r.Id == "spo2-low" ? r with { Family = DefaultAlertRules.News2Family } : r);

        var refused = Assert.Throws<InvalidAlertRulesException>(() => new AlertRuleSet(rules));

        Assert.Contains(refused.Problems, p => p.Contains("Family 'news2'", StringComparison.Ordinal));
    }

    [Fact]
    public void FamilyNamedAfterAnotherRule_Refused()
    {
        var rules = DefaultAlertRules.All.Select(r => r.Family == DefaultAlertRules.News2Family ? r with { Family = "spo2-low" } : r);

        Assert.Throws<InvalidAlertRulesException>(() => new AlertRuleSet(rules));
    }

    private IngestionResult Vitals(int minute, double respiratoryRate, double spo2, double systolic, double pulse, double celsius, string? position = null)
    {
        var at = T0.AddMinutes(minute);
        var message = new TelemetryMessage(Device, $"vitals-{minute}").RespiratoryRate(respiratoryRate, at).Spo2(spo2, at)
            .BloodPressure(systolic, 70, at).HeartRate(pulse, at).Temperature(celsius, at);
        return _pipeline.Process([message.Received(receivedAt: at, sourcePosition: position ?? $"0:{minute}")], _context);
    }

    private static List<WorkflowEvent> News2Events(IngestionResult result) =>
        [.. result.Events.Where(e => e is AlertRaised { Category: AlertCategory.EarlyWarningScore } or AlertRegraded { Category: AlertCategory.EarlyWarningScore }
            || (e is AlertCleared cleared && cleared.DedupKey.EndsWith(":news2", StringComparison.Ordinal)))];
}
