using System.Text;
using IoMT.Client.Simulation;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;

namespace IoMT.Client.Tests;

/// <summary>Each scenario produces the clinical signal it promises, as the real ingestion pipeline sees it.</summary>
public class ScenarioTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cycle = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(Scenarios.CopdDesaturation, "spo2-low")]
    [InlineData(Scenarios.AfibEpisode, "ecg-atrial-fibrillation")]
    [InlineData(Scenarios.Hypoglycemia, "glucose-urgent-low")]
    [InlineData(Scenarios.Sepsis, "news2-emergency")]
    public void Scenario_OneCycle_RaisesItsAlertWithinTheCycle(string scenario, string rule)
    {
        var result = Simulate(scenario, Cycle);

        // A graded rule (glucose urgent low, NEWS2 emergency) is reached by its family's one alert: raised at that
        // grade, or raised at a milder one and regraded.
        var reached = result.Events.Where(e => e is AlertRaised { RuleId: var raised } && raised == rule || e is AlertRegraded { RuleId: var regraded } && regraded == rule).ToList();
        Assert.NotEmpty(reached);
        Assert.True(reached[0].At - Start < TimeSpan.FromSeconds(70), $"{rule} was reached after {reached[0].At - Start}.");
        Assert.Empty(result.Quarantine);
    }

    [Fact]
    public void Normal_SeveralCycles_NoAlertAndNothingQuarantined()
    {
        var result = Simulate(Scenarios.Normal, Cycle * 3);

        Assert.Equal([], result.Events.OfType<AlertRaised>().Select(e => $"{e.RuleId} at {e.At - Start}"));
        Assert.Empty(result.Quarantine);
        Assert.Equal((72 * 3) + (12 * 2) + (6 * 2), result.Readings.Count);
    }

    [Fact]
    public void MissedDoses_EveryScheduledDoseReleasedThenMissed()
    {
        var doses = Simulate(Scenarios.MissedDoses, Cycle).Events.OfType<DoseReported>().ToList();

        Assert.Equal(4, doses.Count(d => d.Event == Core.Telemetry.DoseEventType.Dispensed));
        Assert.Equal(4, doses.Count(d => d.Event == Core.Telemetry.DoseEventType.Missed));
    }

    [Fact]
    public void RescueInhalerOveruse_TwoPuffsEveryTenSeconds()
    {
        var puffs = Simulate(Scenarios.RescueInhalerOveruse, Cycle).Events.OfType<InhalerActuated>().Sum(e => e.Puffs);

        Assert.Equal(24, puffs);
    }

    [Fact]
    public void FridgeExcursion_WarmsAbove8DegreesAndBack()
    {
        var temperatures = Simulate(Scenarios.FridgeExcursion, Cycle + TimeSpan.FromSeconds(1)).Readings
            .Where(r => r.Reading.Kind == Core.Telemetry.ReadingKind.StorageTemperature)
            .Select(r => ((Core.Telemetry.QuantityReading)r.Reading).Value).ToList();

        Assert.True(temperatures.Max() >= 11.5);
        Assert.InRange(temperatures[0], 4, 6);
        Assert.InRange(temperatures[^1], 4, 6);
    }

    [Fact]
    public void DeviceSilent_MonitorStopsAQuarterIntoTheCycle()
    {
        var last = Simulate(Scenarios.DeviceSilent, Cycle).Readings.Max(r => r.At);

        Assert.InRange(last - Start, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void VirtualPatient_SameSeedAndTime_SameVitals()
    {
        var a = new VirtualPatient("p", Scenarios.Sepsis, 7, Cycle);
        var b = new VirtualPatient("p", Scenarios.Sepsis, 7, Cycle);
        var other = new VirtualPatient("p", Scenarios.Sepsis, 8, Cycle);

        Assert.Equal(a.At(TimeSpan.FromSeconds(42)), b.At(TimeSpan.FromSeconds(42)));
        Assert.NotEqual(a.At(TimeSpan.FromSeconds(42)), other.At(TimeSpan.FromSeconds(42)));
    }

    /// <summary>Every device of one patient with this scenario, second by second, through the pipeline.</summary>
    private static IngestionResult Simulate(string scenario, TimeSpan length)
    {
        var plan = SimulationPlan.Create(new SimulationOptions(1, [scenario], Cycle));
        var context = new InMemoryIngestionContext();
        foreach (var device in plan.Devices)
        {
            context.AddDevice(device.DeviceId).AddBinding(new DeviceBinding(device.DeviceId, device.Patient.PatientId, Start.AddDays(-1), null));
        }

        var messages = new List<ReceivedMessage>();
        for (var second = 0; second < length.TotalSeconds; second++)
        {
            foreach (var device in plan.Devices.Where(d => second % (int)d.Interval.TotalSeconds == 0))
            {
                var now = Start.AddSeconds(second);
                var readings = device.ReadingsAt(TimeSpan.FromSeconds(second), now);
                if (readings.Count > 0)
                {
                    var body = SimulationPlan.Message(device.DeviceId, $"{device.DeviceId}-{second}", now, readings);
                    messages.Add(new ReceivedMessage(Encoding.UTF8.GetBytes(body), device.DeviceId, now.AddMilliseconds(200), $"0:{messages.Count}"));
                }
            }
        }

        return new IngestionPipeline().Process(messages, context);
    }
}
