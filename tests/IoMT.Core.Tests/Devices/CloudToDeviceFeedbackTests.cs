using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using IoMT.Core.Workflows;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

public sealed class CloudToDeviceFeedbackTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeHub _hub = new();
    private readonly InMemoryCloudToDeviceLog _log = new();
    private readonly ManualClock _clock = new(T0);

    private RecordedCloudToDeviceMessages Messages => new(_hub, _log);

    [Theory]
    [InlineData("Success", CloudToDeviceStatus.Completed, CloudToDeviceEventKind.Completed)]
    [InlineData("Expired", CloudToDeviceStatus.Expired, CloudToDeviceEventKind.Expired)]
    [InlineData("DeliveryCountExceeded", CloudToDeviceStatus.DeadLettered, CloudToDeviceEventKind.DeadLettered)]
    [InlineData("Rejected", CloudToDeviceStatus.Rejected, CloudToDeviceEventKind.Rejected)]
    [InlineData("Purged", CloudToDeviceStatus.Purged, CloudToDeviceEventKind.Purged)]
    public void Apply_EachIoTHubStatusCode_FinishesTheMessageAtTheFeedbacksTime(string code, CloudToDeviceStatus status, CloudToDeviceEventKind kind)
    {
        var message = CloudToDeviceLogContract.Message("d-1", "c2d_1", T0);

        var finished = CloudToDeviceFeedbackRules.Apply(message, new("d-1", "c2d_1", code, T0.AddMinutes(3)));

        Assert.Equal(status, finished.Status);
        Assert.Equal([new(T0, CloudToDeviceEventKind.Queued), new(T0.AddMinutes(3), kind)], finished.Events);
    }

    [Theory]
    [InlineData("success")]
    [InlineData("Abandoned")]
    [InlineData("")]
    public void Apply_CodeIoTHubDoesNotDefine_Unchanged(string code)
    {
        var message = CloudToDeviceLogContract.Message("d-1", "c2d_1", T0);

        Assert.Same(message, CloudToDeviceFeedbackRules.Apply(message, new("d-1", "c2d_1", code, T0.AddMinutes(3))));
        Assert.Null(CloudToDeviceFeedbackRules.StatusOf(code));
    }

    [Fact]
    public void Apply_MessageFinishedAlready_Unchanged()
    {
        var completed = CloudToDeviceFeedbackRules.Apply(CloudToDeviceLogContract.Message("d-1", "c2d_1", T0), new("d-1", "c2d_1", "Success", T0.AddMinutes(1)));

        Assert.Same(completed, CloudToDeviceFeedbackRules.Apply(completed, new("d-1", "c2d_1", "Expired", T0.AddMinutes(10))));
    }

    [Fact]
    public void Advance_PendingPastExpiry_ExpiredOnlyOnceFeedbackCanNoLongerArrive()
    {
        var message = CloudToDeviceLogContract.Message("d-1", "c2d_1", T0);

        var justExpired = CloudToDeviceFeedbackRules.Advance(message, message.ExpiresAt.AddMinutes(59));
        var feedbackGone = CloudToDeviceFeedbackRules.Advance(message, message.ExpiresAt + CloudToDeviceFeedbackRules.FeedbackGrace);

        Assert.Same(message, justExpired);
        Assert.Equal(CloudToDeviceStatus.Expired, feedbackGone.Status);
        Assert.Equal(new CloudToDeviceEvent(message.ExpiresAt, CloudToDeviceEventKind.Expired), feedbackGone.Events[^1]);
    }

    [Fact]
    public async Task Enqueue_New_SentToTheHubThenRecorded()
    {
        var message = CloudToDeviceLogContract.Message("d-1", "c2d_1", T0);

        Assert.True(await Messages.EnqueueAsync(message));

        Assert.Equal([message], _hub.Sent);
        Assert.Equal(message, await Messages.FindAsync("d-1", "c2d_1", T0));
    }

    [Fact]
    public async Task Enqueue_SameIdAgain_NotSentTwice()
    {
        await Messages.EnqueueAsync(CloudToDeviceLogContract.Message("d-1", "c2d_1", T0));

        Assert.True(await Messages.EnqueueAsync(CloudToDeviceLogContract.Message("d-1", "c2d_1", T0.AddMinutes(1))));

        Assert.Single(_hub.Sent);
    }

    [Fact]
    public async Task Enqueue_HubQueueFull_FalseAndNothingRecorded()
    {
        _hub.Full = true;

        Assert.False(await Messages.EnqueueAsync(CloudToDeviceLogContract.Message("d-1", "c2d_1", T0)));

        Assert.Null(await _log.FindAsync("d-1", "c2d_1"));
    }

    [Fact]
    public async Task RecordFeedback_SeenTwice_RecordedOnce()
    {
        await Messages.EnqueueAsync(CloudToDeviceLogContract.Message("d-1", "c2d_1", T0));
        var writesBefore = _log.Writes;
        var feedback = new CloudToDeviceFeedbackRecord("d-1", "c2d_1", "Success", T0.AddMinutes(1));

        var first = await Messages.RecordFeedbackAsync(feedback);
        var second = await Messages.RecordFeedbackAsync(feedback);

        Assert.Equal((CloudToDeviceStatus.Completed, CloudToDeviceStatus.Completed), (first!.Status, second!.Status));
        Assert.Equal(1, _log.Writes - writesBefore);
        Assert.Single((await _log.FindAsync("d-1", "c2d_1"))!.Events, e => e.Event == CloudToDeviceEventKind.Completed);
    }

    [Fact]
    public async Task RecordFeedback_MessageNotOurs_Null()
    {
        Assert.Null(await Messages.RecordFeedbackAsync(new("d-1", "someone-elses", "Success", T0)));
    }

    [Fact]
    public async Task Drain_DeviceCompletes_DeliveryRecordedDeliveredAndBatchCompleted()
    {
        var (drain, timeline) = await DrainWithQueuedReminderAsync();
        _hub.Feedback.Enqueue([new("d-1", MessageId, "Success", T0.AddMinutes(2))]);

        var records = await drain.DrainAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, records);
        Assert.Single(_hub.Completed);
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(timeline.All).Data);
        var device = outcome.Devices!.Single();
        Assert.Equal((DeliveryStatus.Delivered, CloudToDeviceStatus.Completed, T0.AddMinutes(2)), (outcome.Status, device.Status, device.SettledAt));
    }

    [Fact]
    public async Task Drain_BatchDeliveredAgain_RecordedOnceAndCompletedAgain()
    {
        var (drain, timeline) = await DrainWithQueuedReminderAsync();
        _hub.Feedback.Enqueue([new("d-1", MessageId, "Rejected", T0.AddMinutes(2))]);
        await drain.DrainAsync(TimeSpan.FromSeconds(30));
        timeline.FailNext = 1; // any second write of the record would fail the drain

        _hub.Feedback.Enqueue([new("d-1", MessageId, "Rejected", T0.AddMinutes(2))]);
        await drain.DrainAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((2, 1), (_hub.Completed.Count, timeline.FailNext));
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(timeline.All).Data);
        Assert.Equal((DeliveryStatus.Failed, CloudToDeviceStatus.Rejected), (outcome.Status, outcome.Devices!.Single().Status));
    }

    [Fact]
    public async Task Drain_RecordingFails_BatchAbandonedNotCompleted_ThenRecordedWhenDeliveredAgain()
    {
        var (drain, timeline) = await DrainWithQueuedReminderAsync();
        _hub.Feedback.Enqueue([new("d-1", MessageId, "Success", T0.AddMinutes(2))]);
        timeline.FailNext = 1;

        await Assert.ThrowsAsync<IOException>(() => drain.DrainAsync(TimeSpan.FromSeconds(30)));
        _hub.Feedback.Enqueue(_hub.Abandoned.Single().Records.ToArray());
        await drain.DrainAsync(TimeSpan.FromSeconds(30));

        Assert.Single(_hub.Completed);
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(timeline.All).Data);
        Assert.Equal(DeliveryStatus.Delivered, outcome.Status);
    }

    [Fact]
    public async Task Drain_NoFeedback_ReturnsAtOnceWithNothingRecorded()
    {
        var (drain, timeline) = await DrainWithQueuedReminderAsync();

        Assert.Equal(0, await drain.DrainAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(DeliveryStatus.Queued, WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(timeline.All).Data).Status);
    }

    private const string MessageId = "c2d_reminder";

    private async Task<(CloudToDeviceFeedbackDrain, FlakyTimelineStore)> DrainWithQueuedReminderAsync()
    {
        var timeline = new FlakyTimelineStore(() => new IOException("The timeline store is unavailable."));
        var recorder = new DeviceDeliveryRecorder(new InMemoryDeviceDeliveryStore(), Messages, timeline, _clock);
        var message = CloudToDeviceLogContract.Message("d-1", MessageId, T0) with { CorrelationId = DeviceReminders.CorrelationId("k-1", DeviceReminders.Channel) };
        await Messages.EnqueueAsync(message);
        await recorder.RecordQueuedAsync("p-1", new DeliveryOutcome("k-1", "p-1:metformin", NotificationKind.DoseMissed, DeviceReminders.Channel, ["patient:p-1"],
            DeliveryStatus.Queued, 1, T0, null, [new DeviceDelivery("d-1", MessageId, CloudToDeviceStatus.Queued)]));
        return (new CloudToDeviceFeedbackDrain(_hub, Messages, recorder, _clock), timeline);
    }

    /// <summary>A hub that takes messages (or has a full queue) and hands out the feedback batches queued on it, in order.</summary>
    private sealed class FakeHub : ICloudToDeviceSender, ICloudToDeviceFeedbackSource
    {
        public bool Full { get; set; }

        public List<CloudToDeviceMessage> Sent { get; } = [];

        public Queue<CloudToDeviceFeedbackRecord[]> Feedback { get; } = new();

        public List<CloudToDeviceFeedbackBatch> Completed { get; } = [];

        public List<CloudToDeviceFeedbackBatch> Abandoned { get; } = [];

        public Task<bool> SendAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
        {
            if (!Full)
            {
                Sent.Add(message);
            }

            return Task.FromResult(!Full);
        }

        public Task<CloudToDeviceFeedbackBatch?> ReceiveAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Feedback.TryDequeue(out var records) ? new CloudToDeviceFeedbackBatch(records, Guid.NewGuid()) : null);

        public Task CompleteAsync(CloudToDeviceFeedbackBatch batch, CancellationToken cancellationToken = default)
        {
            Completed.Add(batch);
            return Task.CompletedTask;
        }

        public Task AbandonAsync(CloudToDeviceFeedbackBatch batch, CancellationToken cancellationToken = default)
        {
            Abandoned.Add(batch);
            return Task.CompletedTask;
        }
    }
}
