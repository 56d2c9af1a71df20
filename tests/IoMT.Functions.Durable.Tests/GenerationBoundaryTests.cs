using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Workflows;
using IoMT.Testing;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Durable.Tests;

/// <summary>
/// Instances continue as new after <see cref="OrchestrationSteps.DecisionsPerGeneration"/> decisions. A burst of more
/// events than that is raised while the instance is suspended, so that on resuming the runtime hands it the whole burst
/// in one work item and the boundary falls inside it, every time: the first event starts an activity, later events of
/// the same name wait in the SDK's buffer, an event of another name completes its waiter, and the generation ends with
/// all of them received and not taken.
/// </summary>
public class GenerationBoundaryTests(DurableRuntime runtime) : IClassFixture<DurableRuntime>
{
    private const int Burst = OrchestrationSteps.DecisionsPerGeneration + 20;

    [Fact]
    public async Task AcknowledgesAcrossTheBoundary_ResolveRaisedAtTheBoundaryStillCompletesTheInstance()
    {
        var alert = WorkflowFixtures.Raised(DateTimeOffset.UtcNow, patientId: "patient-boundary");
        await runtime.Workflows.PublishAsync(runtime.Client, [alert]);
        await DurableRuntime.EventuallyAsync(() => runtime.SentTo(alert.PatientId), s => s.Count >= 1, "level 1 notified");
        var (ack, ackPayload) = DurableEvents.For(new AcknowledgeAlert("nurse-1", DateTimeOffset.UtcNow));
        var (resolve, resolvePayload) = DurableEvents.For(new ResolveAlert("nurse-2", DateTimeOffset.UtcNow));
        await SuspendAsync(alert.AlertId);

        // One acknowledgement that counts, the same again and again (redelivered or raced API calls), then the resolve.
        for (var i = 0; i < Burst; i++)
        {
            await runtime.Client.RaiseEventAsync(alert.AlertId, ack, ackPayload);
        }

        await runtime.Client.RaiseEventAsync(alert.AlertId, resolve, resolvePayload);
        await runtime.Client.ResumeInstanceAsync(alert.AlertId);
        var instance = await runtime.WaitForStatusAsync(alert.AlertId, OrchestrationRuntimeStatus.Completed);

        // The last generation began with the resolve (and the acknowledgements after the 100th) received and not taken.
        var carried = DurableRuntime.InputOf<EscalationRun>(instance);
        Assert.NotNull(carried.State);
        Assert.Equal(resolve, carried.Received![^1].Name);
        Assert.All(carried.Received.SkipLast(1), e => Assert.Equal(ack, e.Name));
        Assert.True(carried.Received.Count > 1);
        var state = runtime.Escalations.Alerts[alert.AlertId];
        Assert.Equal((AlertStatus.Resolved, "nurse-1", "nurse-2"), (state.Status, state.AcknowledgedBy, state.ResolvedBy));
        var sent = runtime.SentTo(alert.PatientId);
        Assert.Single(sent, n => n.Kind == NotificationKind.AlertAcknowledged);
        Assert.Single(sent, n => n.Kind == NotificationKind.AlertResolved);
        Assert.Equal(sent.Count, sent.DistinctBy(n => n.Key).Count());
    }

    [Fact]
    public async Task DosesAcrossTheBoundary_EveryDoseRecordedOnce()
    {
        var now = DateTimeOffset.UtcNow;
        var schedule = new MedicationSchedule
        {
            PatientId = "patient-doses",
            MedicationId = "metformin",
            TimesOfDay = [TimeOnly.FromDateTime(now.UtcDateTime.AddHours(12))],
            EffectiveFrom = now,
        };
        var instanceId = DurableEvents.AdherenceInstance(schedule.PatientId, schedule.MedicationId);
        await runtime.Workflows.SaveScheduleAsync(runtime.Client, schedule);
        await runtime.WaitForStatusAsync(instanceId, OrchestrationRuntimeStatus.Running);
        await SuspendAsync(instanceId);

        // Extra doses (none is due for hours), each a reading of its own, each recorded on the timeline by an activity.
        for (var i = 0; i < Burst; i++)
        {
            await runtime.Workflows.PublishAsync(runtime.Client, [new DoseReported(schedule.PatientId, now.AddSeconds(-i), schedule.MedicationId, DoseEventType.Taken, null, $"rd-{i}")]);
        }

        await runtime.Client.ResumeInstanceAsync(instanceId);

        var recorded = await DurableRuntime.EventuallyAsync(
            () => runtime.TimelineOf(schedule.PatientId).Where(r => r.Type == TimelineEntryType.Adherence).ToList(), r => r.Count >= Burst, $"{Burst} doses recorded");

        Assert.Equal(Burst, recorded.Count);
        Assert.All(recorded, r => Assert.Equal(DoseStatus.Unscheduled, WorkflowJson.Deserialize<DoseOutcome>(r.Data).Status));
        Assert.Equal(
            Enumerable.Range(0, Burst).Select(i => now.AddSeconds(-i)).Order(),
            recorded.Select(r => WorkflowJson.Deserialize<DoseOutcome>(r.Data).TakenAt!.Value).Order());
        var instance = await runtime.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
        var carried = DurableRuntime.InputOf<AdherenceRun>(instance!);
        Assert.NotNull(carried.State);
        Assert.Equal(Burst - OrchestrationSteps.DecisionsPerGeneration, carried.Received!.Count);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance!.RuntimeStatus);
        var runs = runtime.ActivityRuns.Where(r => r.InstanceId == instanceId).ToList();
        Assert.Equal(runs.Count, runs.Distinct().Count());
    }

    private async Task SuspendAsync(string instanceId)
    {
        await runtime.Client.SuspendInstanceAsync(instanceId);
        await runtime.WaitForStatusAsync(instanceId, OrchestrationRuntimeStatus.Suspended);
    }
}
