using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Timeline;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

public class DeviceSilenceWatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Check_SilenceAndItsEnd_OnThePatientsTimelineOnce()
    {
        var registry = new InMemoryDeviceRegistry();
        await registry.CreateAsync([WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromMinutes(1))], "admin");
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["monitor-1"] = T0.AddMinutes(-10) });
        var alerts = new OpenAlerts();
        var timeline = new InMemoryTimelineStore();
        var clock = new ManualClock(T0);
        var watch = new DeviceSilenceWatch(registry, alerts, timeline, clock);

        var raised = Assert.IsType<AlertRaised>(Assert.Single(await watch.CheckAsync()));
        await watch.CheckAsync();
        alerts.Open.Add(AlertView.From(new EscalationState { Alert = raised, Policy = DefaultEscalationPolicies.Technical }));
        clock.Advance(TimeSpan.FromMinutes(5));
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["monitor-1"] = clock.GetUtcNow() });
        await watch.CheckAsync();

        Assert.Equal(
            [(TimelineEntryType.AlertRaised, T0), (TimelineEntryType.AlertCleared, T0.AddMinutes(5))],
            timeline.All.Where(r => r.PatientId == "patient-1" && r.Code == "device-silent.monitor-1").Select(r => (r.Type, r.At)));
        Assert.Equal(raised, TimelineJson.Deserialize<AlertRaised>(timeline.All.First().Data));
    }

    [Fact]
    public async Task Check_SilentDeviceDisabled_ItsOpenAlertEnds()
    {
        var registry = new InMemoryDeviceRegistry();
        var monitor = WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromMinutes(1));
        await registry.CreateAsync([monitor], "admin");
        var alerts = new OpenAlerts();
        var clock = new ManualClock(T0);
        var watch = new DeviceSilenceWatch(registry, alerts, new InMemoryTimelineStore(), clock);
        var raised = Assert.IsType<AlertRaised>(Assert.Single(await watch.CheckAsync()));
        alerts.Open.Add(AlertView.From(new EscalationState { Alert = raised, Policy = DefaultEscalationPolicies.Technical }));

        Assert.True(await registry.UpdateAsync(monitor with { Status = IoMT.Core.Devices.DeviceStatus.Disabled, Version = monitor.Version + 1 }, new(T0, "admin", "disabled")));
        clock.Advance(TimeSpan.FromMinutes(1));

        var cleared = Assert.IsType<AlertCleared>(Assert.Single(await watch.CheckAsync()));
        Assert.Equal((raised.AlertId, ClearReason.DeviceRetired), (cleared.AlertId, cleared.Reason));
    }

    private sealed class OpenAlerts : IAlertWorkflows
    {
        public List<AlertView> Open { get; } = [];

        public Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default) =>
            Task.FromResult(Open.FirstOrDefault(a => a.AlertId == alertId));

        public Task<IReadOnlyList<AlertView>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AlertView>>(Open);

        public Task<DecisionOutcome> SendAsync(string alertId, EscalationInput input, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
