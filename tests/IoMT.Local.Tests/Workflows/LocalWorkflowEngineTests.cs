using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Testing;

namespace IoMT.Local.Tests.Workflows;

public sealed class LocalWorkflowEngineTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 7, 0, 0, TimeSpan.Zero);
    private readonly string _path = Path.Combine(Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N"), "workflows.db");
    private readonly ManualClock _clock = new(T0);
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly RecordingNotifier _notifier = new();

    [Fact]
    public async Task Restart_EscalationPendingDuringDowntime_NextLevelFiresOnceOnStart()
    {
        var alert = WorkflowFixtures.Raised(T0);
        using (var host = Host())
        {
            await host.Engine.PublishAsync([alert]);
            await host.RunAsync();
        }

        // Down from T0 to T0 + 7 min; level 2 was due at T0 + 2 min (the urgent policy).
        _clock.Advance(TimeSpan.FromMinutes(7));
        using (var restarted = Host())
        {
            await restarted.RunAsync();
            await restarted.RunAsync();
        }

        var levels = Triggered();
        Assert.Equal(["role:nurse", "role:care-coordinator"], levels.Select(n => n.Recipients.Single()));
        Assert.Equal(T0 + TimeSpan.FromMinutes(7), levels[1].At);
        Assert.Equal(levels.Count, levels.Select(n => n.Key).Distinct().Count());
        Assert.Equal(2, Steps(alert.AlertId).Count(s => s.Action == "level-notified"));
    }

    [Fact]
    public async Task Crash_AfterDecisionBeforeEffects_EffectsRunOnceAfterRestart()
    {
        var alert = WorkflowFixtures.Raised(T0);
        using (var host = Host())
        {
            await host.Engine.PublishAsync([alert]);
        }

        using (var restarted = Host())
        {
            await restarted.RunAsync();
            await restarted.RunAsync();
        }

        Assert.Single(Triggered());
        Assert.Single(Steps(alert.AlertId), s => s.Action == "level-notified");
    }

    [Fact]
    public async Task Acknowledge_StopsEscalation_ResolveEndsIt_LaterTimersFireNothing()
    {
        using var host = Host();
        var alert = WorkflowFixtures.Raised(T0);
        await host.Engine.PublishAsync([alert]);
        await host.RunAsync();

        _clock.Advance(TimeSpan.FromMinutes(1));
        var acknowledged = await host.Engine.SendAsync(alert.AlertId, new AcknowledgeAlert("nurse-7", _clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromMinutes(20));
        await host.RunAsync();
        var resolved = await host.Engine.SendAsync(alert.AlertId, new ResolveAlert("nurse-7", _clock.GetUtcNow()));
        var again = await host.Engine.SendAsync(alert.AlertId, new AcknowledgeAlert("nurse-7", _clock.GetUtcNow()));
        _clock.Advance(TimeSpan.FromHours(3));
        await host.RunAsync();

        Assert.Equal((DecisionOutcome.Applied, DecisionOutcome.Applied, DecisionOutcome.AlreadyResolved), (acknowledged, resolved, again));
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertAcknowledged, NotificationKind.AlertResolved], _notifier.Sent.Select(n => n.Kind));
        Assert.Equal(AlertStatus.Resolved, (await host.Engine.FindAsync(alert.AlertId))!.Status);
        Assert.Null(host.Store.NextDue());
    }

    [Fact]
    public async Task Publish_SameAlertTwice_OneEscalation()
    {
        using var host = Host();
        var alert = WorkflowFixtures.Raised(T0);
        await host.Engine.PublishAsync([alert]);
        await host.Engine.PublishAsync([alert, alert]);
        await host.RunAsync();

        Assert.Single(_notifier.Sent);
        Assert.Single(await host.Engine.ListAsync(new AlertFilter(), 10));
    }

    [Fact]
    public async Task ConditionCleared_AutoResolves_AndTellsThoseNotified()
    {
        using var host = Host();
        var alert = WorkflowFixtures.Raised(T0);
        await host.Engine.PublishAsync([alert]);
        await host.Engine.PublishAsync([new AlertCleared(alert.AlertId, alert.DedupKey, alert.PatientId, alert.RuleId, T0.AddMinutes(1), 96, null, "%", "rd_2")]);
        await host.RunAsync();

        var view = await host.Engine.FindAsync(alert.AlertId);
        Assert.Equal((AlertStatus.Resolved, true, "system"), (view!.Status, view.ConditionCleared, view.ResolvedBy));
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertResolved], _notifier.Sent.Select(n => n.Kind));
    }

    [Fact]
    public async Task SnoozeByDirection_SilencesNewAlertsThatWay_OnlyUntilItEnds()
    {
        using var host = Host();
        var low = WorkflowFixtures.Raised(T0);
        await host.Engine.PublishAsync([low]);
        await host.Engine.SendAsync(low.AlertId, new SnoozeAlert("nurse-7", T0, T0.AddMinutes(30), SnoozeReach.Direction));
        var lowAgain = WorkflowFixtures.Raised(T0.AddMinutes(5), ruleId: "spo2-low-2");
        var high = WorkflowFixtures.Raised(T0.AddMinutes(5), direction: AlertDirection.High, ruleId: "hr-high");
        await host.Engine.PublishAsync([lowAgain, high]);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await host.RunAsync();

        Assert.Equal(AlertStatus.Snoozed, (await host.Engine.FindAsync(lowAgain.AlertId))!.Status);
        Assert.Equal(AlertStatus.Triggered, (await host.Engine.FindAsync(high.AlertId))!.Status);
        Assert.Equal(new[] { low.AlertId, high.AlertId }.Order(StringComparer.Ordinal), Triggered().Select(n => n.Subject).Order(StringComparer.Ordinal));

        _clock.Advance(TimeSpan.FromMinutes(26));
        await host.RunAsync();
        Assert.Contains(Triggered(), n => n.Subject == lowAgain.AlertId);
    }

    [Fact]
    public async Task EffectFails_ItAndThePatientsLaterEffectsWaitForTheRetry_RunInOrderOnce()
    {
        using var host = Host();
        _notifier.FailNext = 1;
        var alert = WorkflowFixtures.Raised(T0);
        await host.Engine.PublishAsync([alert]);
        await host.RunAsync();
        await host.Engine.PublishAsync([new AlertCleared(alert.AlertId, alert.DedupKey, alert.PatientId, alert.RuleId, T0, 96, null, "%", "rd_2")]);
        await host.RunAsync();
        await host.RunAsync();
        var beforePause = _notifier.Sent.Count;
        _clock.Advance(TimeSpan.FromSeconds(2));
        await host.RunAsync();

        Assert.Equal(0, beforePause);
        Assert.Equal([NotificationKind.AlertTriggered, NotificationKind.AlertResolved], _notifier.Sent.Select(n => n.Kind));
    }

    [Fact]
    public async Task Adherence_MissedDose_PatientOnTheDevice_RemindsPatient_ThenTakenLateIsRecorded()
    {
        using var host = Host(new WorkflowOptions { PatientFollowUpChannels = ["device"] });
        await SaveMorningDoseAsync(host);
        _clock.Advance(TimeSpan.FromMinutes(125));
        await host.RunAsync();
        await host.Engine.PublishAsync([new DoseReported("patient-1", _clock.GetUtcNow(), "metformin", DoseEventType.Taken, null, "rd_dose")]);
        await host.RunAsync();

        var reminder = Assert.Single(_notifier.Sent);
        Assert.Equal((NotificationKind.DoseMissed, "patient:patient-1", "device"), (reminder.Kind, reminder.Recipients.Single(), reminder.Channels.Single()));
        var dose = Assert.Single(_timeline.All, r => r.Type == TimelineEntryType.Adherence);
        Assert.Equal(DoseStatus.TakenLate, WorkflowJson.Deserialize<DoseOutcome>(dose.Data).Status);
    }

    [Fact]
    public async Task Adherence_ConsoleOnly_PatientAndCaregiverRecordedUndeliverable_CoordinatorToldWhenTheWindowCloses()
    {
        using var host = Host();
        await SaveMorningDoseAsync(host);
        _clock.Advance(TimeSpan.FromMinutes(125));
        await host.RunAsync();

        var told = Assert.Single(_notifier.Sent);
        Assert.Equal((NotificationKind.DoseMissed, "role:care-coordinator"), (told.Kind, told.Recipients.Single()));
        var undeliverable = _timeline.All.Where(r => r.Type == TimelineEntryType.Notification).Select(r => WorkflowJson.Deserialize<DeliveryOutcome>(r.Data)).ToList();
        Assert.Equal(["caregiver:patient-1", "patient:patient-1"], undeliverable.Select(o => o.Recipients.Single()).Order());
        Assert.All(undeliverable, o => Assert.Equal((DeliveryStatus.Undeliverable, "console"), (o.Status, o.Channel)));
    }

    private static Task SaveMorningDoseAsync(WorkflowHarness host) => host.Engine.SaveAsync(new MedicationSchedule
    {
        PatientId = "patient-1",
        MedicationId = "metformin",
        TimesOfDay = [new TimeOnly(8, 0)],
        EffectiveFrom = T0,
    });

    [Fact]
    public async Task RescueInhalerOveruse_StartsAnEscalation()
    {
        using var host = Host();
        await host.Engine.SaveAsync(new MedicationSchedule
        {
            PatientId = "patient-1",
            MedicationId = "salbutamol",
            Kind = MedicationKind.RescueInhaler,
            RescuePuffLimit = 4,
            EffectiveFrom = T0,
        });
        await host.Engine.PublishAsync([.. Enumerable.Range(0, 3).Select(i => new InhalerActuated("patient-1", T0.AddMinutes(i), "salbutamol", 2, $"rd_puff{i}"))]);
        await host.RunAsync();

        var alert = Assert.Single(await host.Engine.ListAsync(new AlertFilter(), 10));
        Assert.Equal((AdherenceDecider.OveruseRuleId, AlertCategory.Adherence), (alert.RuleId, alert.Category));
        Assert.Contains(_timeline.All, r => r.Type == TimelineEntryType.AlertRaised && r.Code == AdherenceDecider.OveruseRuleId);
        Assert.Single(Triggered());
    }

    [Fact]
    public async Task DeviceWatch_SilentBoundMonitor_TechnicalAlertEscalates_HeardAgain_AutoResolved()
    {
        using var host = Host();
        var registry = new InMemoryDeviceRegistry();
        var monitor = WorkflowFixtures.WatchedMonitor(T0.AddDays(-1), TimeSpan.FromSeconds(30));
        await registry.CreateAsync([monitor], "admin");
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["monitor-1"] = T0.AddMinutes(-5) });
        var watch = new Local.Workflows.DeviceWatchService(new DeviceSilenceWatch(registry, host.Engine, _timeline, _clock), host.Engine, _clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Local.Workflows.DeviceWatchService>.Instance);

        Assert.Equal(1, await watch.CheckOnceAsync());
        Assert.Equal(0, await watch.CheckOnceAsync());
        await host.RunAsync();
        var alert = Assert.Single(await host.Engine.ListAsync(new AlertFilter(), 10));
        Assert.Equal(("technical", "device-silent.monitor-1"), (alert.PolicyId, alert.RuleId));
        Assert.Equal("role:care-coordinator", Assert.Single(Assert.Single(Triggered()).Recipients));

        _clock.Advance(TimeSpan.FromMinutes(1));
        await registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["monitor-1"] = _clock.GetUtcNow() });
        Assert.Equal(1, await watch.CheckOnceAsync());

        Assert.Equal(AlertStatus.Resolved, (await host.Engine.FindAsync(alert.AlertId))!.Status);
        Assert.Equal([TimelineEntryType.AlertRaised, TimelineEntryType.AlertCleared],
            _timeline.All.Where(r => r.Code == "device-silent.monitor-1").Select(r => r.Type));
    }

    [Fact]
    public async Task AlertFromAReadingTenMinutesOld_LevelTwoTwoMinutesAfterItWasRaised()
    {
        using var host = Host();
        var alert = WorkflowFixtures.Raised(T0.AddMinutes(-10)) with { RaisedAt = T0 };
        await host.Engine.PublishAsync([alert]);
        await host.RunAsync();
        _clock.Advance(TimeSpan.FromSeconds(119));
        await host.RunAsync();
        var beforeDue = Triggered().Count;
        _clock.Advance(TimeSpan.FromSeconds(1));
        await host.RunAsync();

        Assert.Equal(1, beforeDue);
        Assert.Equal([T0, T0.AddMinutes(2)], Triggered().Select(n => n.At));
        var view = (await host.Engine.FindAsync(alert.AlertId))!;
        Assert.Equal((T0, T0.AddMinutes(-10)), (view.RaisedAt, view.OnsetAt));
    }

    [Fact]
    public async Task FamilyAlertRegraded_OneEscalation_WorseGradeNotifiesAgain_MilderNotifiesNobody()
    {
        using var host = Host();
        var urgent = WorkflowFixtures.Raised(T0, priority: AlertPriority.Medium, ruleId: "news2-urgent");
        await host.Engine.PublishAsync([urgent]);
        await host.RunAsync();
        var worse = Regraded(urgent, "news2-emergency", AlertPriority.High, T0.AddMinutes(1));
        await host.Engine.PublishAsync([worse, worse]);
        await host.RunAsync();
        var afterWorse = Triggered().Count;
        await host.Engine.PublishAsync([Regraded(urgent, "news2-urgent", AlertPriority.Medium, T0.AddMinutes(2))]);
        await host.RunAsync();

        Assert.Equal(2, afterWorse);
        Assert.Equal(2, Triggered().Count);
        Assert.Equal([AlertPriority.Medium, AlertPriority.High], Triggered().Select(n => n.Priority));
        var alert = Assert.Single(await host.Engine.ListAsync(new AlertFilter(), 10));
        Assert.Equal((urgent.AlertId, "news2-urgent", AlertPriority.Medium, "urgent"), (alert.AlertId, alert.RuleId, alert.Priority, alert.PolicyId));
        Assert.Equal(["level-notified", "policy-changed", "priority-lowered", "priority-raised"], Steps(urgent.AlertId).Select(s => s.Action).Distinct().Order());
    }

    public void Dispose()
    {
        var directory = Path.GetDirectoryName(_path)!;
        if (Directory.Exists(directory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static AlertRegraded Regraded(AlertRaised alert, string ruleId, AlertPriority priority, DateTimeOffset at) =>
        new(alert.AlertId, alert.DedupKey, alert.PatientId, ruleId, ruleId, priority, alert.Category, at, 8, "", "rd-" + ruleId, at);

    private WorkflowHarness Host(WorkflowOptions? options = null) => new(_path, _clock, _timeline, _notifier, options);

    private List<Notification> Triggered() => [.. _notifier.Sent.Where(n => n.Kind == NotificationKind.AlertTriggered)];

    private List<AlertStep> Steps(string alertId) =>
        [.. _timeline.All.Where(r => r.Code == alertId && r.Type == TimelineEntryType.Escalation).Select(r => WorkflowJson.Deserialize<AlertStep>(r.Data))];
}
