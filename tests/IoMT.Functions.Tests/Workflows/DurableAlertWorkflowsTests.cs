using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Testing;

namespace IoMT.Functions.Tests.Workflows;

public class DurableAlertWorkflowsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private readonly DurableTestHost _host = new(T0);
    private readonly DurableAlertWorkflows _alerts;

    public DurableAlertWorkflowsTests()
    {
        _alerts = new DurableAlertWorkflows(_host.Escalations, new DurableClientAccessor { Client = _host });
    }

    [Fact]
    public async Task Acknowledge_RaisedToTheAlertsInstance_AnswerShowsTheStateItWillReach()
    {
        var state = WorkflowStoreContract.State("patient-1", "spo2-low", AlertPriority.High, T0);
        await _host.Escalations.SaveAsync(state);

        var outcome = await _alerts.SendAsync(state.Alert.AlertId, new AcknowledgeAlert("nurse-1", T0.AddMinutes(1)));

        Assert.Equal(DecisionOutcome.Applied, outcome);
        Assert.Equal((state.Alert.AlertId, DurableEvents.Acknowledge), Assert.Single(_host.RaisedEvents));
        Assert.Equal(AlertStatus.Acknowledged, (await _alerts.FindAsync(state.Alert.AlertId))!.Status);
        Assert.Equal(AlertStatus.Triggered, _host.Escalations.Alerts[state.Alert.AlertId].Status);
    }

    [Theory]
    [InlineData(AlertStatus.Resolved, DecisionOutcome.AlreadyResolved)]
    [InlineData(AlertStatus.Acknowledged, DecisionOutcome.Duplicate)]
    public async Task ActionTheStateRefuses_SameAnswerAsLocally_NothingRaised(AlertStatus status, DecisionOutcome expected)
    {
        var state = WorkflowStoreContract.State("patient-1", "spo2-low", AlertPriority.High, T0, status);
        await _host.Escalations.SaveAsync(state);

        var outcome = await _alerts.SendAsync(state.Alert.AlertId, new AcknowledgeAlert("nurse-1", T0.AddMinutes(1)));

        Assert.Equal(expected, outcome);
        Assert.Empty(_host.RaisedEvents);
    }

    [Fact]
    public async Task UnknownAlert_Invalid_NothingRaised()
    {
        Assert.Equal(DecisionOutcome.Invalid, await _alerts.SendAsync("patient-1:spo2-low:20261121T080000000Z", new ResolveAlert("nurse-1", T0)));
        Assert.Null(await _alerts.FindAsync("patient-1:spo2-low:20261121T080000000Z"));
        Assert.Empty(_host.RaisedEvents);
    }

    [Fact]
    public async Task List_FromTheStore_AsViews()
    {
        await _host.Escalations.SaveAsync(WorkflowStoreContract.State("patient-1", "spo2-low", AlertPriority.High, T0));
        await _host.Escalations.SaveAsync(WorkflowStoreContract.State("patient-2", "hr-high", AlertPriority.Medium, T0, AlertStatus.Resolved));

        var open = await _alerts.ListAsync(new AlertFilter(AlertFilter.Open), 10);

        Assert.Equal(["patient-1"], open.Select(a => a.PatientId));
    }
}

public sealed class InMemoryWorkflowStoreTests : WorkflowStoreContract
{
    protected override Task<IWorkflowStore> CreateStoreAsync() => Task.FromResult<IWorkflowStore>(new InMemoryWorkflowStore());
}
