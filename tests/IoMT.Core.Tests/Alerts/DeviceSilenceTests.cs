using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Alerts;

public class DeviceSilenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private static DeviceRecord Monitor(DateTimeOffset? lastSeen, TimeSpan? interval = null, string? patientId = "patient-1") =>
        WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), interval ?? TimeSpan.FromMinutes(1), patientId) with { LastSeenAt = lastSeen };

    [Fact]
    public void Check_HeardWithinTwoIntervals_Nothing()
    {
        Assert.Empty(DeviceSilence.Check([Monitor(T0.AddSeconds(-119))], [], T0));
    }

    [Fact]
    public void Check_SilentForTwoIntervals_RaisesOneEpisodeFixedByWhenTheSilenceBegan()
    {
        var device = Monitor(T0.AddMinutes(-10));

        var first = Assert.IsType<AlertRaised>(Assert.Single(DeviceSilence.Check([device], [], T0)));
        var later = Assert.IsType<AlertRaised>(Assert.Single(DeviceSilence.Check([device], [], T0.AddMinutes(1))));

        Assert.Equal(first.AlertId, later.AlertId);
        Assert.Equal(("patient-1", "device-silent.monitor-1", AlertCategory.Technical), (first.PatientId, first.RuleId, first.Category));
        Assert.Equal(T0.AddMinutes(-8), first.EpisodeStart);
        Assert.Equal("Device monitor-1 silent for 10 min (reports every 1 min)", first.Title);
        var fast = WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromSeconds(5)) with { LastSeenAt = T0.AddSeconds(-25) };
        Assert.Equal("Device monitor-1 silent for 25 s (reports every 5 s)", Assert.IsType<AlertRaised>(Assert.Single(DeviceSilence.Check([fast], [], T0))).Title);
    }

    [Fact]
    public void Check_OpenAlert_NotRaisedAgain_ClearedOnceTheDeviceIsHeard()
    {
        var raised = Assert.IsType<AlertRaised>(Assert.Single(DeviceSilence.Check([Monitor(T0.AddMinutes(-10))], [], T0)));
        var open = View(raised);

        Assert.Empty(DeviceSilence.Check([Monitor(T0.AddMinutes(-10))], [open], T0.AddMinutes(5)));
        var cleared = Assert.IsType<AlertCleared>(Assert.Single(DeviceSilence.Check([Monitor(T0.AddMinutes(6))], [open], T0.AddMinutes(6))));
        Assert.Equal((raised.AlertId, T0.AddMinutes(6)), (cleared.AlertId, cleared.At));
    }

    [Fact]
    public void Check_NeverHeardSinceBinding_SilentFromTheBinding()
    {
        var raised = Assert.IsType<AlertRaised>(Assert.Single(DeviceSilence.Check([Monitor(null)], [], T0)));

        Assert.Equal(T0.AddDays(-1).AddMinutes(2), raised.EpisodeStart);
    }

    [Fact]
    public void Check_UnboundUnwatchedOrDisabled_Nothing()
    {
        var silent = T0.AddHours(-1);
        Assert.Empty(DeviceSilence.Check(
            [Monitor(silent, patientId: null), Monitor(silent) with { ReportingInterval = null }, Monitor(silent) with { Status = DeviceStatus.Disabled }], [], T0));
    }

    [Fact]
    public void Check_SilentDeviceRetired_OpenAlertEnds_NothingRaisedAgain()
    {
        var silent = Monitor(T0.AddMinutes(-10));
        var open = View(Assert.IsType<AlertRaised>(Assert.Single(DeviceSilence.Check([silent], [], T0))));
        var unbound = silent with { Bindings = [silent.Bindings[^1] with { To = T0 }] };

        foreach (var retired in new[] { silent with { Status = DeviceStatus.Disabled }, silent with { DeletedAt = T0 }, unbound })
        {
            var cleared = Assert.IsType<AlertCleared>(Assert.Single(DeviceSilence.Check([retired], [open], T0.AddMinutes(1))));
            Assert.Equal((open.AlertId, T0.AddMinutes(1), ClearReason.DeviceRetired), (cleared.AlertId, cleared.At, cleared.Reason));
            Assert.Empty(DeviceSilence.Check([retired], [], T0.AddMinutes(2)));
        }
    }

    private static AlertView View(AlertRaised raised) => AlertView.From(new EscalationState { Alert = raised, Policy = DefaultEscalationPolicies.Technical });
}
