using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Timeline;
using IoMT.Functions.Workflows;
using IoMT.Testing;
using Microsoft.Azure.Functions.Worker;

namespace IoMT.Functions.Tests.Workflows;

public class DeviceWatchFunctionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SilentMonitor_StartsOneEscalationAcrossRuns_HeardAgain_Resolved()
    {
        var host = new DurableTestHost(T0);
        var registry = new InMemoryDeviceRegistry();
        await registry.CreateAsync([WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromMinutes(1))], "admin");
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["monitor-1"] = T0.AddMinutes(-3) });
        var alerts = new DurableAlertWorkflows(host.Escalations, new DurableClientAccessor { Client = host });
        var function = new DeviceWatchFunction(new DeviceSilenceWatch(registry, alerts, host.Timeline, host.Clock), host.Workflows);

        await function.RunAsync(new TimerInfo(), host, default);
        await function.RunAsync(new TimerInfo(), host, default);

        var (alertId, _) = Assert.Single(host.Instances);
        Assert.Equal("device-silent.monitor-1", host.Alert(alertId)!.Alert.RuleId);

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["monitor-1"] = host.Clock.GetUtcNow() });
        await function.RunAsync(new TimerInfo(), host, default);

        Assert.Equal(AlertStatus.Resolved, host.Alert(alertId)!.Status);
        Assert.True(host.Instances[alertId].IsCompleted);
        Assert.Equal([TimelineEntryType.AlertRaised, TimelineEntryType.AlertCleared],
            host.Timeline.All.Where(r => r.Code == "device-silent.monitor-1").Select(r => r.Type));
    }
}
