using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Pipeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

public class ColdChainTests
{
    private const string Fridge = "fridge-1";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;
    private static readonly ColdChainPolicy Policy = new();

    [Fact]
    public void Step_OutsideLessThanTheLimitInTotal_NoAlert()
    {
        var (state, transitions) = Run((0, 5), (10, 9), (25, 5), (60, 1), (70, 5));

        Assert.Equal(TimeSpan.FromMinutes(25), state.Outside);
        Assert.DoesNotContain(RuleTransition.Raised, transitions);
    }

    [Fact]
    public void Step_ExcursionsAddUpPastTheLimit_RaisesOnce_ClearsWhenBackInRangeAndTheWindowTotalIsWithinTheLimit()
    {
        // 20 min warm, back in range, then cold from minute 65: 35 min in total passes the 30 min limit at minute 80.
        var (state, transitions) = Run((0, 9), (10, 9), (20, 5), (65, 1), (80, 1.5), (90, 1), (100, 4));

        Assert.Equal([RuleTransition.None, RuleTransition.None, RuleTransition.None, RuleTransition.None, RuleTransition.Raised, RuleTransition.None, RuleTransition.None],
            transitions);
        Assert.Equal(T0.AddMinutes(80), state.EpisodeStart);

        // Back in range, but 55 min within the day: still open. A day later both excursions have left the window.
        Assert.Equal(RuleTransition.None, ColdChain.Step(state, 5, T0.AddMinutes(110), Policy).Transition);
        var (later, cleared) = ColdChain.Step(state, 5, T0.AddMinutes(100).AddDays(1), Policy);
        Assert.Equal(RuleTransition.Cleared, cleared);
        Assert.Null(later.EpisodeStart);
    }

    [Fact]
    public void Step_LongGapAfterAnOutsideReading_CountsAtMostTheHold()
    {
        var (state, _) = Run((0, 12), (120, 12));

        Assert.Equal(Policy.MaxHold, state.Outside);
    }

    [Fact]
    public void Step_LateOrRepeatedReading_Ignored()
    {
        var (state, _) = Run((0, 12), (10, 12));

        Assert.Equal((state, RuleTransition.Ignored), ColdChain.Step(state, 3, T0.AddMinutes(10), Policy));
        Assert.Equal((state, RuleTransition.Ignored), ColdChain.Step(state, 3, T0.AddMinutes(5), Policy));
    }

    [Theory]
    [InlineData(1.9, true)]
    [InlineData(2.0, false)]
    [InlineData(8.0, false)]
    [InlineData(8.1, true)]
    public void IsOutside_TwoToEightInclusive(double celsius, bool outside) => Assert.Equal(outside, ColdChain.IsOutside(Policy, celsius));

    [Fact]
    public void Pipeline_FridgeWarmsForAnHour_OneTechnicalAlertForThePatient_ThenCleared()
    {
        var context = new InMemoryIngestionContext().AddDevice(Fridge).AddBinding(new DeviceBinding(Fridge, "patient-1", T0.AddDays(-1), null));
        var pipeline = new IngestionPipeline();
        var warm = Enumerable.Range(0, 13).Select(i => Reading($"w-{i}", 12, T0.AddMinutes(i * 5)));

        var raised = Assert.Single(pipeline.Process([.. warm], context).Events.OfType<AlertRaised>());
        var cleared = pipeline.Process([Reading("c-1", 5, T0.AddDays(1).AddHours(1))], context).Events.OfType<AlertCleared>().Single();

        Assert.Equal((ColdChain.RuleId(Fridge), AlertCategory.Technical, AlertDirection.High), (raised.RuleId, raised.Category, raised.Direction));
        Assert.Equal(T0.AddMinutes(35), raised.At);
        Assert.Equal("Medication fridge fridge-1 outside 2–8 °C for 35 min in 24 h", raised.Title);
        Assert.Equal(raised.AlertId, cleared.AlertId);
    }

    private static ReceivedMessage Reading(string messageId, double celsius, DateTimeOffset at) =>
        new TelemetryMessage(Fridge, messageId).Quantity("storageTemperature", celsius, "Cel", at).Received(at.AddSeconds(1));

    private static (ColdChainState State, List<RuleTransition> Transitions) Run(params (int Minute, double Celsius)[] readings)
    {
        ColdChainState? state = null;
        var transitions = new List<RuleTransition>();
        foreach (var (minute, celsius) in readings)
        {
            (state, var transition) = ColdChain.Step(state, celsius, T0.AddMinutes(minute), Policy);
            transitions.Add(transition);
        }

        return (state!, transitions);
    }
}
