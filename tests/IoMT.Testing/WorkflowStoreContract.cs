using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using Xunit;

namespace IoMT.Testing;

/// <summary>The behaviour every <see cref="IWorkflowStore"/> must have; derive once per implementation.</summary>
public abstract class WorkflowStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private IWorkflowStore? _store;

    protected IWorkflowStore Store => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected virtual string? SkipReason => null;

    protected abstract Task<IWorkflowStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    public static EscalationState State(string patientId, string ruleId, AlertPriority priority, DateTimeOffset at, AlertStatus status = AlertStatus.Triggered, int sequence = 1)
    {
        var dedup = AlertIds.DedupKey(patientId, ruleId);
        var alert = new AlertRaised(AlertIds.For(dedup, at), dedup, patientId, ruleId, ruleId + " out of range", priority, AlertCategory.VitalSign,
            AlertDirection.Low, at, at, 85, "59408-5", "%", "rd-" + ruleId);
        return new EscalationState { Alert = alert, Policy = DefaultEscalationPolicies.Standard, Status = status, Sequence = sequence };
    }

    [SkippableFact]
    public async Task Save_ThenFind_SameState()
    {
        var state = State("p-1", "spo2-low", AlertPriority.High, T0);

        await Store.SaveAsync(state);

        Assert.Equivalent(state, await Store.FindAsync(state.Alert.AlertId), strict: true);
        Assert.Null(await Store.FindAsync(state.Alert.AlertId + "0"));
        Assert.Null(await Store.FindAsync("not-an-alert-id"));
    }

    [SkippableFact]
    public async Task Save_OlderOrSameSequenceAfterNewer_KeepsTheNewer()
    {
        var newer = State("p-1", "spo2-low", AlertPriority.High, T0, AlertStatus.Acknowledged, sequence: 5);
        await Store.SaveAsync(newer);

        await Store.SaveAsync(newer with { Status = AlertStatus.Triggered, Sequence = 3 });
        await Store.SaveAsync(newer with { Status = AlertStatus.Snoozed });

        Assert.Equal(AlertStatus.Acknowledged, (await Store.FindAsync(newer.Alert.AlertId))!.Status);
        await Store.SaveAsync(newer with { Status = AlertStatus.Resolved, Sequence = 6 });
        Assert.Equal(AlertStatus.Resolved, (await Store.FindAsync(newer.Alert.AlertId))!.Status);
    }

    [SkippableFact]
    public async Task List_FiltersThenHighestPriorityFirstThenOldest()
    {
        var oldMedium = State("p-1", "hr-high", AlertPriority.Medium, T0);
        var newHigh = State("p-2", "spo2-low", AlertPriority.High, T0.AddMinutes(5));
        var oldHigh = State("p-3", "spo2-low", AlertPriority.High, T0.AddMinutes(1));
        var resolved = State("p-1", "temp-high", AlertPriority.High, T0, AlertStatus.Resolved);
        foreach (var state in new[] { oldMedium, newHigh, oldHigh, resolved })
        {
            await Store.SaveAsync(state);
        }

        var open = await Store.ListAsync(new AlertFilter(), 10);
        var twoOfAll = await Store.ListAsync(new AlertFilter(Enum.GetValues<AlertStatus>()), 2);
        var patientOne = await Store.ListAsync(new AlertFilter(Enum.GetValues<AlertStatus>(), PatientIds: ["p-1"]), 10);
        var medium = await Store.ListAsync(new AlertFilter(Priority: AlertPriority.Medium), 10);

        Assert.Equal([oldHigh.Alert.AlertId, newHigh.Alert.AlertId, oldMedium.Alert.AlertId], open.Select(s => s.Alert.AlertId));
        Assert.Equal([resolved.Alert.AlertId, oldHigh.Alert.AlertId], twoOfAll.Select(s => s.Alert.AlertId));
        Assert.Equal([resolved.Alert.AlertId, oldMedium.Alert.AlertId], patientOne.Select(s => s.Alert.AlertId));
        Assert.Equal([oldMedium.Alert.AlertId], medium.Select(s => s.Alert.AlertId));
    }

    [SkippableFact]
    public async Task Snoozes_ActiveOnlyForThePatientUntilTheyEnd_AddedOncePerKey()
    {
        var scope = new SnoozeScope("p-1", AlertCategory.VitalSign, AlertDirection.High, T0.AddMinutes(30), "nurse-1");
        await Store.AddSnoozeAsync("k-1", scope);
        await Store.AddSnoozeAsync("k-1", scope);

        Assert.Equal([scope], await Store.ActiveSnoozesAsync("p-1", T0));
        Assert.Empty(await Store.ActiveSnoozesAsync("p-2", T0));
        Assert.Empty(await Store.ActiveSnoozesAsync("p-1", T0.AddMinutes(30)));
    }

    [SkippableFact]
    public async Task Schedules_SavedPerMedication_ANewOneReplacesTheOld_ListedByMedication()
    {
        var metformin = new MedicationSchedule { PatientId = "p-1", MedicationId = "metformin", TimesOfDay = [new(8, 0)], EffectiveFrom = T0 };
        await Store.SaveScheduleAsync(metformin);
        await Store.SaveScheduleAsync(metformin with { MedicationId = "aspirin" });
        await Store.SaveScheduleAsync(metformin with { TimesOfDay = [new(9, 0)] });

        var listed = await Store.ListSchedulesAsync("p-1");

        Assert.Equal(["aspirin", "metformin"], listed.Select(s => s.MedicationId));
        Assert.Equal([new TimeOnly(9, 0)], listed[1].TimesOfDay);
        Assert.Empty(await Store.ListSchedulesAsync("p-2"));
    }
}
