using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using static IoMT.Core.Tests.Escalation.EscalationFixture;

namespace IoMT.Core.Tests.Escalation;

public class EscalationPoliciesTests
{
    private static readonly EscalationPolicy CatchAll = Policy() with { Id = "default" };
    private static readonly EscalationPolicy High = Policy() with { Id = "high", Priorities = [AlertPriority.High] };
    private static readonly EscalationPolicy Glucose = Policy() with { Id = "glucose", Categories = [AlertCategory.Glucose] };
    private static readonly EscalationPolicy HighGlucose = Policy() with { Id = "high-glucose", Priorities = [AlertPriority.High], Categories = [AlertCategory.Glucose] };

    [Theory]
    [InlineData(AlertPriority.High, AlertCategory.Glucose, "high-glucose")]
    [InlineData(AlertPriority.Low, AlertCategory.Glucose, "glucose")]
    [InlineData(AlertPriority.High, AlertCategory.VitalSign, "high")]
    [InlineData(AlertPriority.Medium, AlertCategory.Technical, "default")]
    public void Select_TheMostSpecificPolicyWins(AlertPriority priority, AlertCategory category, string expected)
    {
        Assert.Equal(expected, EscalationPolicies.Select([CatchAll, High, Glucose, HighGlucose], priority, category)!.Id);
        Assert.Equal(expected, EscalationPolicies.Select([HighGlucose, Glucose, High, CatchAll], priority, category)!.Id);
    }

    [Fact]
    public void Select_TiesGoToTheLowestIdAndNoMatchIsNull()
    {
        Assert.Equal("a", EscalationPolicies.Select([High with { Id = "b" }, High with { Id = "a" }], AlertPriority.High, AlertCategory.VitalSign)!.Id);
        Assert.Null(EscalationPolicies.Select([High], AlertPriority.Low, AlertCategory.VitalSign));
    }

    [Fact]
    public void Validate_ValidPolicy_NoErrors()
    {
        Assert.Empty(EscalationPolicies.Validate(Policy(ackTimeout: TimeSpan.FromMinutes(15))));
    }

    [Fact]
    public void Validate_EachProblemNamedByItsPointer()
    {
        var policy = new EscalationPolicy
        {
            Id = "bad id!",
            Levels = [new(TimeSpan.FromSeconds(5), [], ["sms"]), new(TimeSpan.FromMinutes(5), [Nurses], [])],
            Repeats = 11,
            AckTimeout = TimeSpan.FromSeconds(1),
        };

        var fields = EscalationPolicies.Validate(policy).Select(e => e.Field).ToList();

        Assert.Equal(["/id", "/levels/0/escalateAfter", "/levels/0/targets", "/levels/1/channels", "/repeats", "/ackTimeout"], fields);
        Assert.Equal("/levels", Assert.Single(EscalationPolicies.Validate(Policy() with { Levels = [] })).Field);
    }

    [Fact]
    public void Validate_ListsLeftOutOfConfiguration_NamedNotThrown()
    {
        var policy = Policy() with { Levels = null! };
        var levelWithoutLists = Policy() with { Levels = [new(TimeSpan.FromMinutes(5), null!, null!)] };

        Assert.Equal(["/levels"], EscalationPolicies.Validate(policy).Select(e => e.Field));
        Assert.Equal(["/levels/0/targets", "/levels/0/channels"], EscalationPolicies.Validate(levelWithoutLists).Select(e => e.Field));
    }
}
