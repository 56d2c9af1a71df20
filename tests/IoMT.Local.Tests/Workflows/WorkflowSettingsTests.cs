using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Local.Tests.Workflows;

public sealed class WorkflowSettingsTests
{
    private static readonly Dictionary<string, string> WardPolicy = new()
    {
        ["Workflows:Policies:0:Id"] = "ward",
        ["Workflows:Policies:0:Priorities:0"] = "high",
        ["Workflows:Policies:0:AckTimeout"] = "00:20:00",
        ["Workflows:Policies:0:Levels:0:EscalateAfter"] = "00:01:00",
        ["Workflows:Policies:0:Levels:0:Targets:0:Kind"] = "onCall",
        ["Workflows:Policies:0:Levels:0:Targets:0:Id"] = "ward-7",
        ["Workflows:Policies:0:Levels:0:Channels:0"] = "pagerduty:ward",
    };

    [Fact]
    public void ConfiguredPolicy_IsBoundAsWritten()
    {
        using var host = new LocalHostFactory { Settings = WardPolicy };

        var policy = Assert.Single(host.Services.GetRequiredService<IOptionsMonitor<WorkflowOptions>>().CurrentValue.Policies);

        Assert.Equal(("ward", TimeSpan.FromMinutes(20), AlertPriority.High), (policy.Id, policy.AckTimeout, policy.Priorities.Single()));
        var level = Assert.Single(policy.Levels);
        Assert.Equal((TimeSpan.FromMinutes(1), new EscalationTarget(TargetKind.OnCall, "ward-7"), "pagerduty:ward"),
            (level.EscalateAfter, level.Targets.Single(), level.Channels.Single()));
    }

    [Fact]
    public void ColdChainSettings_ReachIngestion()
    {
        using var host = new LocalHostFactory { Settings = new Dictionary<string, string> { ["Enrichment:ColdChain:ExcursionLimit"] = "00:10:00", ["Enrichment:ColdChain:MaxCelsius"] = "7.5" } };

        var coldChain = host.Services.GetRequiredService<Core.Pipeline.EnrichmentOptions>().ColdChain;

        Assert.Equal((TimeSpan.FromMinutes(10), 7.5, 2.0), (coldChain.ExcursionLimit, coldChain.MaxCelsius, coldChain.MinCelsius));
    }

    [Fact]
    public void WeightGainSettings_ReachIngestion()
    {
        using var host = new LocalHostFactory { Settings = new Dictionary<string, string> { ["Enrichment:WeightGain:DayKg"] = "1.5", ["Enrichment:WeightGain:Day"] = "1.02:00:00" } };

        var weightGain = host.Services.GetRequiredService<Core.Pipeline.EnrichmentOptions>().WeightGain;

        Assert.Equal((1.5, TimeSpan.FromHours(26), 2.0), (weightGain.DayKg, weightGain.Day, weightGain.WeekKg));
    }

    [Fact]
    public void InvalidWeightGainSettings_StopTheStart_NamingThem()
    {
        using var host = new LocalHostFactory { Settings = new Dictionary<string, string> { ["Enrichment:WeightGain:WeekKg"] = "0", ["Enrichment:WeightGain:SameDay"] = "2.00:00:00" } };

        var error = Assert.Throws<OptionsValidationException>(() => host.Services);

        Assert.Contains("Enrichment:WeightGain:WeekKg", error.Message, StringComparison.Ordinal);
        Assert.Contains("Enrichment:WeightGain:SameDay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidPolicy_StopsTheStart_NamingEveryFieldAtFault()
    {
        var settings = new Dictionary<string, string>(WardPolicy)
        {
            ["Workflows:Policies:0:Levels:0:EscalateAfter"] = "00:00:05",
            ["Workflows:Policies:0:Repeats"] = "11",
        };
        using var host = new LocalHostFactory { Settings = settings };

        var error = Assert.Throws<OptionsValidationException>(() => host.Services);

        Assert.Contains("Workflows:Policies:0/levels/0/escalateAfter", error.Message, StringComparison.Ordinal);
        Assert.Contains("Workflows:Policies:0/repeats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidNotificationChannels_StopTheStart_NamingEach()
    {
        using var host = new LocalHostFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Notifications:Webhooks:ward:Url"] = "http://hooks.example.org",
                ["Notifications:Webhooks:ward:Secret"] = "short",
            },
        };

        var error = Assert.Throws<OptionsValidationException>(() => host.Services);

        Assert.Contains("Notifications:Webhooks:ward:Url must be an absolute https URL.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Notifications:Webhooks:ward:Secret must be at least 32 characters.", error.Message, StringComparison.Ordinal);
    }
}
