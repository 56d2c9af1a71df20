using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

public class CopdZoneTests
{
    private const string Device = "spirometer-1";
    private const string Patient = "patient-copd";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    // Personal bests: peak flow 400 L/min, FEV1 2.0 L; so 4 L/min of peak flow and 0.02 L of FEV1 are 1 %.
    private static readonly PersonalBaselines Bests = new() { BestPeakFlow = 400, BestFev1 = 2.0 };

    private readonly IngestionPipeline _pipeline = new();

    [Theory]
    [InlineData(324, null, null)] // 81 %: green
    [InlineData(320, null, null)] // 80 %: green
    [InlineData(318, null, null)] // 79.5 % rounds to 80 %: green
    [InlineData(316, "copd-yellow-zone", 79.0)]
    [InlineData(204, "copd-yellow-zone", 51.0)]
    [InlineData(200, "copd-yellow-zone", 50.0)]
    [InlineData(196, "copd-red-zone", 49.0)]
    public void PeakFlow_AtAndAroundEachZoneLimit_RaisesThatZoneWithThePercentage(double peakFlow, string? rule, double? percent)
    {
        var result = _pipeline.Process([PeakFlow(0, peakFlow)], Context());

        var raised = result.Events.OfType<AlertRaised>().SingleOrDefault();
        Assert.Equal(rule, raised?.RuleId);
        Assert.Equal(percent, raised?.Value);
        if (raised is not null)
        {
            Assert.Equal(("%", $"peak flow {percent:0} % of personal best"), (raised.Unit, raised.Title[(raised.Title.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
            Assert.Equal(rule == "copd-red-zone" ? AlertPriority.High : AlertPriority.Medium, raised.Priority);
        }
    }

    [Fact]
    public void YellowZone_HeldBelow85ClearedAt85_OneAlertPerEpisode()
    {
        var context = Context();

        var raised = _pipeline.Process([PeakFlow(0, 300), PeakFlow(1, 280), PeakFlow(2, 310)], context);
        var held = _pipeline.Process([PeakFlow(3, 336)], context);
        var cleared = _pipeline.Process([PeakFlow(4, 340)], context);

        var alert = Assert.Single(raised.Events);
        Assert.Equal(("copd-yellow-zone", "COPD yellow zone: peak flow 75 % of personal best"), (((AlertRaised)alert).RuleId, ((AlertRaised)alert).Title));
        Assert.Empty(held.Events);
        var end = Assert.IsType<AlertCleared>(Assert.Single(cleared.Events));
        Assert.Equal((((AlertRaised)alert).AlertId, 85.0), (end.AlertId, end.Value));
    }

    [Fact]
    public void RedZone_HeldBelow55_At55RegradedToYellow_ThenCleared()
    {
        var context = Context();

        var raised = _pipeline.Process([PeakFlow(0, 180)], context);
        var held = _pipeline.Process([PeakFlow(1, 216)], context);
        var regraded = _pipeline.Process([PeakFlow(2, 220)], context);
        var cleared = _pipeline.Process([PeakFlow(3, 400)], context);

        var red = Assert.IsType<AlertRaised>(Assert.Single(raised.Events));
        Assert.Equal(("copd-red-zone", AlertPriority.High, 45.0), (red.RuleId, red.Priority, red.Value));
        Assert.Empty(held.Events);
        var yellow = Assert.IsType<AlertRegraded>(Assert.Single(regraded.Events));
        Assert.Equal((red.AlertId, "copd-yellow-zone", "COPD yellow zone: peak flow 55 % of personal best"), (yellow.AlertId, yellow.RuleId, yellow.Title));
        Assert.Equal(red.AlertId, Assert.IsType<AlertCleared>(Assert.Single(cleared.Events)).AlertId);
    }

    [Fact]
    public void Spirometry_LowFev1WithNormalPeakFlowAtOneInstant_GradedOnceOnTheLowerFev1()
    {
        // Graded reading by reading, the peak flow of the same instant would clear what the FEV1 raised.
        var message = new TelemetryMessage(Device).Quantity("fev1", 0.9, "L", T0).Quantity("fvc", 2.5, "L", T0).Quantity("peakFlow", 380, "L/min", T0);

        var result = _pipeline.Process([message.Received()], Context());

        var raised = Assert.IsType<AlertRaised>(Assert.Single(result.Events));
        Assert.Equal(("copd-red-zone", 45.0, "COPD red zone: FEV1 45 % of personal best"), (raised.RuleId, raised.Value, raised.Title));
    }

    [Fact]
    public void Spirometry_PeakFlowOfTheSameInstantSentApart_GradedWithTheFev1()
    {
        var context = Context();

        var first = _pipeline.Process([new TelemetryMessage(Device).Quantity("fev1", 1.9, "L", T0).Received()], context);
        var second = _pipeline.Process([new TelemetryMessage(Device).Quantity("peakFlow", 240, "L/min", T0).Received()], context);

        Assert.Empty(first.Events);
        var raised = Assert.IsType<AlertRaised>(Assert.Single(second.Events));
        Assert.Equal(("copd-yellow-zone", 60.0), (raised.RuleId, raised.Value));
    }

    [Fact]
    public void Spirometry_NoBaselineForTheMeasure_NothingEvaluated()
    {
        var none = _pipeline.Process([PeakFlow(0, 100)], Context(new PersonalBaselines()));
        var otherMeasure = _pipeline.Process([PeakFlow(0, 100)], Context(new PersonalBaselines { BestFev1 = 2.0 }));

        Assert.Empty(none.Events);
        Assert.Empty(otherMeasure.Events);
    }

    [Fact]
    public void Spirometry_BatchDeliveredAgain_NothingRaisedTwice()
    {
        var context = Context();
        List<ReceivedMessage> batch = [PeakFlow(0, 300), PeakFlow(1, 180)];

        var first = _pipeline.Process(batch, context);
        var again = _pipeline.Process(batch, context);
        var fresh = _pipeline.Process(batch, Context());

        Assert.Equal([typeof(AlertRaised), typeof(AlertRegraded)], first.Events.Select(e => e.GetType()));
        Assert.Empty(again.Events);
        Assert.Equal(first.Events, fresh.Events);
    }

    [Fact]
    public void Spirometry_OlderThanTheAlertingAge_NothingEvaluated()
    {
        var old = new TelemetryMessage(Device).Quantity("peakFlow", 100, "L/min", T0).Received(receivedAt: T0.AddMinutes(20));

        Assert.Empty(_pipeline.Process([old], Context()).Events);
    }

    [Fact]
    public void PatientOverrides_ThresholdsAndDisabledRedZone_Followed()
    {
        var overrides = new Dictionary<string, RuleOverride>
        {
            ["copd-yellow-zone"] = new() { RaiseAt = 70, ClearAt = 75 },
            ["copd-red-zone"] = new() { Enabled = false },
        };
        var context = Context(rules: AlertRuleSet.Defaults.WithOverrides(overrides));

        var at70 = _pipeline.Process([PeakFlow(0, 280)], context);
        var at40 = _pipeline.Process([PeakFlow(1, 160)], context);
        var at74 = _pipeline.Process([PeakFlow(2, 296)], context);
        var at75 = _pipeline.Process([PeakFlow(3, 300)], context);

        Assert.Empty(at70.Events);
        var raised = Assert.IsType<AlertRaised>(Assert.Single(at40.Events));
        Assert.Equal(("copd-yellow-zone", AlertPriority.Medium, 40.0), (raised.RuleId, raised.Priority, raised.Value));
        Assert.Empty(at74.Events);
        Assert.IsType<AlertCleared>(Assert.Single(at75.Events));
    }

    [Fact]
    public void Zones_EscalateByTheDefaultPolicies_RedUrgentYellowStandard()
    {
        var red = DefaultAlertRules.All.Single(r => r.Id == "copd-red-zone");
        var yellow = DefaultAlertRules.All.Single(r => r.Id == "copd-yellow-zone");

        Assert.Equal("urgent", DefaultEscalationPolicies.For([], red.Priority, red.Category).Id);
        Assert.Equal("standard", DefaultEscalationPolicies.For([], yellow.Priority, yellow.Category).Id);
    }

    private static InMemoryIngestionContext Context(PersonalBaselines? baselines = null, AlertRuleSet? rules = null) =>
        new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, Patient, T0.AddDays(-1), null))
            .SetProfile(new PatientProfile { PatientId = Patient, Baselines = baselines ?? Bests, Rules = rules ?? AlertRuleSet.Defaults });

    /// <summary>A peak flow <paramref name="hours"/> after T0, received 5 s later.</summary>
    private static ReceivedMessage PeakFlow(int hours, double litresPerMinute)
    {
        var at = T0.AddHours(hours);
        return new TelemetryMessage(Device, $"pef-{hours}").Quantity("peakFlow", litresPerMinute, "L/min", at).Received(at.AddSeconds(5), $"0:{hours}");
    }
}
