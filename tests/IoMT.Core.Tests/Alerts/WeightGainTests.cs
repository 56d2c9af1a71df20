using System.ComponentModel.DataAnnotations;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

public class WeightGainTests
{
    private const string Device = "scale-1";
    private const string Patient = "patient-hf";
    private static readonly DateTimeOffset T0 = TelemetryMessage.DefaultTime;

    private readonly IngestionPipeline _pipeline = new();

    [Theory]
    [InlineData(81.05, 1.05)]
    [InlineData(81.0, null)] // exactly 1 kg: not more than the limit
    [InlineData(80.95, null)]
    public void DayGain_AtAndAroundOneKilogram_RaisedOnlyAbove(double kgNextMorning, double? gain)
    {
        var result = Weigh(Context(), (0, 80.0), (24, kgNextMorning));

        var raised = result.OfType<AlertRaised>().SingleOrDefault();
        Assert.Equal(gain, raised?.Value);
        if (raised is not null)
        {
            Assert.Equal(("weight-gain", "kg", AlertPriority.Medium, AlertDirection.High), (raised.RuleId, raised.Unit, raised.Priority, raised.Direction));
            Assert.Equal("Weight up 1.05 kg in a day (now 81.05 kg)", raised.Title);
        }
    }

    [Theory]
    [InlineData(82.05, 2.05)]
    [InlineData(82.0, null)] // exactly 2 kg over the week's lowest: not more than the limit
    [InlineData(81.95, null)]
    public void WeekGain_AtAndAroundTwoKilograms_RaisedOnlyAbove(double kgOnDay3, double? gain)
    {
        // Less than 1 kg a day, so only the week's gain can raise: the ESC's "more than 2 kg in 3 days".
        var result = Weigh(Context(), (0, 80.0), (24, 80.7), (48, 81.3), (72, kgOnDay3));

        var raised = result.OfType<AlertRaised>().SingleOrDefault();
        Assert.Equal(gain, raised?.Value);
        Assert.Equal(gain is null ? null : "Weight up 2.05 kg in a week (now 82.05 kg)", raised?.Title);
    }

    [Theory]
    [InlineData(19, false)] // the same day's weights are never compared
    [InlineData(20, true)]
    [InlineData(28, true)]
    [InlineData(29, false)] // no weight 20–28 h earlier: the week's gain (1.5 kg) is within its limit
    public void DayGain_ComparedWithWeights20To28HoursEarlier(int hoursLater, bool raised)
    {
        var result = Weigh(Context(), (0, 80.0), (hoursLater, 81.5));

        Assert.Equal(raised, result.OfType<AlertRaised>().Any());
    }

    [Fact]
    public void DayGain_TwoWeightsInAnHour_ComparedWithTheLower()
    {
        var context = Context();
        Weigh(context, (0, 80.5));
        _pipeline.Process([WeightAt(T0.AddMinutes(30), 80.0)], context);

        var result = Weigh(context, (24, 81.05));

        Assert.Equal(1.05, Assert.IsType<AlertRaised>(Assert.Single(result)).Value);
    }

    [Fact]
    public void Episode_HeldWhileTheWeekGainIsAboveHalfItsLimit_ClearedAtHalf_OneAlert()
    {
        var context = Context();

        var raised = Weigh(context, (0, 80.0), (24, 81.5), (48, 82.5), (72, 81.6));
        var held = Weigh(context, (96, 81.1));
        var cleared = Weigh(context, (120, 80.9));

        var alert = Assert.IsType<AlertRaised>(Assert.Single(raised));
        Assert.Equal((T0.AddHours(24), 1.5), (alert.EpisodeStart, alert.Value));
        Assert.Empty(held);
        var end = Assert.IsType<AlertCleared>(Assert.Single(cleared));
        Assert.Equal((alert.AlertId, ClearReason.ConditionCleared), (end.AlertId, end.Reason));
    }

    [Fact]
    public void Episode_WeightStaysUp_ClearedOnceTheGainLeavesTheWeek()
    {
        var context = Context();
        Weigh(context, (0, 80.0), (24, 81.5));

        var week = Weigh(context, [.. Enumerable.Range(2, 6).Select(day => (day * 24, 81.5))]);
        var eighthDay = Weigh(context, (8 * 24, 81.5));

        Assert.Empty(week);
        Assert.IsType<AlertCleared>(Assert.Single(eighthDay));
    }

    [Fact]
    public void Weights_DeliveredAgainOrLate_NothingRaisedTwice()
    {
        var context = Context();
        List<ReceivedMessage> batch = [WeightAt(T0, 80.0), WeightAt(T0.AddHours(24), 81.5), WeightAt(T0.AddHours(48), 82.8)];

        var first = _pipeline.Process(batch, context);
        var again = _pipeline.Process(batch, context);
        var late = _pipeline.Process([WeightAt(T0.AddHours(48).AddMinutes(-5), 79.0, receivedAt: T0.AddHours(48).AddMinutes(1))], context);
        var fresh = _pipeline.Process(batch, Context());

        Assert.Single(first.Events.OfType<AlertRaised>());
        Assert.Empty(again.Events);
        Assert.Empty(late.Events);
        Assert.Equal(first.Events, fresh.Events);
    }

    [Fact]
    public void Weights_UploadedLateByAnOfflineScale_KeptForTheNextLiveWeight()
    {
        var context = Context();
        var upload = T0.AddHours(72);

        var backlog = _pipeline.Process([WeightAt(T0, 80.0, upload), WeightAt(T0.AddHours(24), 80.6, upload), WeightAt(T0.AddHours(48), 81.2, upload)], context);
        var live = Weigh(context, (72, 82.05));

        Assert.Empty(backlog.Events);
        var raised = Assert.IsType<AlertRaised>(Assert.Single(live));
        Assert.Equal(("Weight up 2.05 kg in a week (now 82.05 kg)", 2.05), (raised.Title, raised.Value));
    }

    [Fact]
    public void Weights_ScaleSendingEveryTenMinutes_HistoryBoundedToOnePerHourOfTheWeek()
    {
        var context = Context();

        _pipeline.Process([.. Enumerable.Range(0, 6 * 24 * 9).Select(i => WeightAt(T0.AddMinutes(i * 10), 80 + (i % 3 * 0.1)))], context);

        var weights = context.States[Patient].WeightGain!.Weights;
        Assert.Equal((7 * 24) + 4, weights.Count);
        Assert.All(weights, w => Assert.Equal(80.0, w.Kg, 9));
    }

    [Fact]
    public void PatientLimits_DayLimitRaised_FollowedAndDryWeightShown()
    {
        var context = Context(new WeightGainLimits { DayKg = 1.5 }, dryWeight: 78.5);

        var below = Weigh(context, (0, 80.0), (24, 81.5));
        var above = Weigh(context, (48, 83.1));

        Assert.Empty(below);
        var raised = Assert.IsType<AlertRaised>(Assert.Single(above));
        Assert.Equal(("Weight up 1.6 kg in a day (now 83.1 kg, dry weight 78.5 kg)", 1.6), (raised.Title, raised.Value));
    }

    [Fact]
    public void PatientLimits_WeekLimitLowered_Followed()
    {
        var result = Weigh(Context(new WeightGainLimits { WeekKg = 1.5 }), (0, 80.0), (24, 80.8), (48, 81.6));

        Assert.Equal(1.6, Assert.IsType<AlertRaised>(Assert.Single(result)).Value);
    }

    [Fact]
    public void PatientLimits_Disabled_NothingRaisedAndAnOpenEpisodeEnds()
    {
        var context = Context();
        var raised = Weigh(context, (0, 80.0), (24, 81.5));
        context.SetProfile(Profile(new WeightGainLimits { Enabled = false }));

        var next = Weigh(context, (48, 84.0));

        var end = Assert.IsType<AlertCleared>(Assert.Single(next));
        Assert.Equal((((AlertRaised)Assert.Single(raised)).AlertId, ClearReason.RuleDisabled), (end.AlertId, end.Reason));
        Assert.Empty(Weigh(context, (72, 86.0)));
    }

    [Fact]
    public void Policy_CompressedDaysAndOrganizationLimits_Followed()
    {
        // A demonstration's 12-second days: compared 10 to 14 s back (a day), 10 to 84 s back (a week).
        var policy = new WeightGainPolicy
        {
            DayKg = 0.5,
            SameDay = TimeSpan.FromSeconds(10),
            Day = TimeSpan.FromSeconds(14),
            Week = TimeSpan.FromSeconds(84),
            Resolution = TimeSpan.FromSeconds(1),
        };
        var pipeline = new IngestionPipeline(new IngestionOptions(), new EnrichmentOptions { WeightGain = policy });

        var result = pipeline.Process([WeightAt(T0, 80.0), WeightAt(T0.AddSeconds(12), 80.6)], Context());

        Assert.Equal(("Weight up 0.6 kg in a day (now 80.6 kg)", 0.6), (Assert.IsType<AlertRaised>(Assert.Single(result.Events)).Title, ((AlertRaised)result.Events[0]).Value));
    }

    [Fact]
    public void Policy_InvalidSettings_EachNamedAsTheHostsReportThem()
    {
        var options = new EnrichmentOptions { WeightGain = new WeightGainPolicy { WeekKg = 0, Day = TimeSpan.FromHours(10) } };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Equal(["Enrichment:WeightGain:WeekKg", "Enrichment:WeightGain:SameDay"], results.Select(r => r.ErrorMessage![..r.ErrorMessage!.IndexOf(": ", StringComparison.Ordinal)]));
        Assert.Empty(new WeightGainPolicy().Validate());
    }

    [Fact]
    public void WeightGain_EscalatesByTheStandardPolicy()
    {
        Assert.Equal("standard", DefaultEscalationPolicies.For([], WeightGainRule.Priority, WeightGainRule.Category).Id);
    }

    private static InMemoryIngestionContext Context(WeightGainLimits? limits = null, double? dryWeight = null) =>
        new InMemoryIngestionContext().AddDevice(Device).AddBinding(new DeviceBinding(Device, Patient, T0.AddDays(-30), null))
            .SetProfile(Profile(limits, dryWeight));

    private static PatientProfile Profile(WeightGainLimits? limits, double? dryWeight = null) =>
        new() { PatientId = Patient, WeightGain = limits, Baselines = new PersonalBaselines { DryWeight = dryWeight } };

    /// <summary>One message per weight, <c>Hours</c> after T0, each received 5 s after it was measured; the events of all.</summary>
    private List<WorkflowEvent> Weigh(InMemoryIngestionContext context, params (int Hours, double Kg)[] weights) =>
        [.. _pipeline.Process([.. weights.Select(w => WeightAt(T0.AddHours(w.Hours), w.Kg))], context).Events];

    private static ReceivedMessage WeightAt(DateTimeOffset at, double kg, DateTimeOffset? receivedAt = null) =>
        new TelemetryMessage(Device, $"w-{at.UtcTicks}").Quantity("weight", kg, "kg", at).Received(receivedAt ?? at.AddSeconds(5), $"0:{at.UtcTicks}");
}
