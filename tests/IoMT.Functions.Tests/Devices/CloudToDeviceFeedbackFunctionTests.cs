using IoMT.Core.Adherence;
using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Devices;
using IoMT.Notifications;
using IoMT.Testing;
using Microsoft.Azure.Devices;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Functions.Tests.Devices;

/// <summary>
/// The <c>device</c> channel in the Functions app, wired as <see cref="CloudToDeviceServiceCollectionExtensions.AddCloudToDevice"/>
/// wires it, with IoT Hub's service client faked: a missed dose goes to the bound dispenser through IoT Hub, and the
/// dispenser's completion comes back through IoT Hub's feedback onto the notification's delivery record.
/// </summary>
public sealed class CloudToDeviceFeedbackFunctionTests : IDisposable
{
    private static readonly DateTimeOffset Due = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeServiceClient _hub = new();
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly InMemoryDeviceRegistry _registry = new();
    private readonly ServiceProvider _services;

    public CloudToDeviceFeedbackFunctionTests()
    {
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new ManualClock(Due.AddHours(1)))
            .AddSingleton<IDeviceRegistry>(_registry)
            .AddSingleton<ITimelineStore>(_timeline)
            .AddSingleton<IDeviceDeliveryStore, InMemoryDeviceDeliveryStore>()
            .AddSingleton<ICloudToDeviceLog, InMemoryCloudToDeviceLog>()
            .AddCloudToDevice()
            .AddSingleton<ServiceClient>(_hub)
            .BuildServiceProvider();
    }

    [Fact]
    public async Task MissedDose_SentThroughIoTHub_DispenserCompletes_DeliveryRecordedDelivered()
    {
        var correlationId = await QueueReminderAsync();

        await RunAsync();

        var sent = Assert.Single(_hub.Sent);
        Assert.Equal(("dispenser-1", DeviceReminders.MessageId(correlationId, "dispenser-1"), correlationId, DeliveryAcknowledgement.Full),
            (sent.DeviceId, sent.MessageId, sent.CorrelationId, sent.Ack));
        Assert.Equal(DeliveryStatus.Queued, Outcome(correlationId).Status);

        _hub.Feedback.Add(Feedback(sent.MessageId!, FeedbackStatusCode.Success));
        await RunAsync();

        var outcome = Outcome(correlationId);
        Assert.Equal((DeliveryStatus.Delivered, CloudToDeviceStatus.Completed), (outcome.Status, outcome.Devices!.Single().Status));
        Assert.Single(_hub.Feedback.Completed);
        var listed = Assert.Single(await _services.GetRequiredService<ICloudToDeviceMessages>().ListAsync("dispenser-1", 10, Due.AddHours(1)));
        Assert.Equal([CloudToDeviceEventKind.Queued, CloudToDeviceEventKind.Completed], listed.Events.Select(e => e.Event));
    }

    [Fact]
    public async Task NotificationRedelivered_NotSentTwice()
    {
        await QueueReminderAsync();

        await QueueReminderAsync();

        Assert.Single(_hub.Sent);
    }

    [Fact]
    public async Task FeedbackDeliveredTwice_RecordedOnce_BothBatchesCompleted()
    {
        var correlationId = await QueueReminderAsync();
        var messageId = _hub.Sent.Single().MessageId!;
        _hub.Feedback.Add(Feedback(messageId, FeedbackStatusCode.Rejected));
        await RunAsync();
        var first = Assert.Single(_timeline.All, r => r.Id == correlationId);

        _hub.Feedback.Add(Feedback(messageId, FeedbackStatusCode.Rejected));
        await RunAsync();

        Assert.Equal(2, _hub.Feedback.Completed.Count);
        Assert.Same(first, Assert.Single(_timeline.All, r => r.Id == correlationId));
        var listed = (await _services.GetRequiredService<ICloudToDeviceMessages>().FindAsync("dispenser-1", messageId, Due.AddHours(1)))!;
        Assert.Single(listed.Events, e => e.Event == CloudToDeviceEventKind.Rejected);
        Assert.Equal(DeliveryStatus.Failed, Outcome(correlationId).Status);
    }

    [Fact]
    public async Task FeedbackOnAMessageTheAppDidNotSend_CompletedAndNothingRecorded()
    {
        _hub.Feedback.Add(Feedback("sent-by-someone-else", FeedbackStatusCode.Success));

        await RunAsync();

        Assert.Single(_hub.Feedback.Completed);
        Assert.Empty(_timeline.All);
    }

    public void Dispose() => _services.Dispose();

    private Task RunAsync() =>
        new CloudToDeviceFeedbackFunction(_services.GetRequiredService<CloudToDeviceFeedbackDrain>(), _services.GetRequiredService<DeviceDeliveryRecorder>())
            .RunAsync(null!, CancellationToken.None);

    /// <summary>A dispenser bound to the patient, and the patient's reminder for a missed metformin dose through the device channel, as the dispatcher runs it.</summary>
    private async Task<string> QueueReminderAsync()
    {
        if (await _registry.FindAsync("dispenser-1") is null)
        {
            await _registry.CreateAsync([new DeviceRecord
            {
                Id = "dispenser-1",
                Manufacturer = "Acme Medical",
                Model = "PillBox 3",
                Kinds = ["doseEvent"],
                Credentials = DeviceCredentials.NewKeys(),
                Bindings = [new DeviceBinding("dispenser-1", "p-1", Due.AddDays(-1), null)],
                CreatedAt = Due.AddDays(-1),
                UpdatedAt = Due.AddDays(-1),
            }], "admin");
        }

        var schedule = new MedicationSchedule { PatientId = "p-1", MedicationId = "metformin", TimesOfDay = [new TimeOnly(8, 0)], EffectiveFrom = Due.AddDays(-1) };
        var command = new SendFollowUp("p-1:metformin:2026-03-02T08:00:00Z:DoseMissed:Patient", "p-1", "metformin", Due, FollowUpTarget.Patient, FollowUpKind.DoseMissed);
        var effect = Assert.IsType<NotifyEffect>(Assert.Single(WorkflowEffects.For(
            new AdherenceState { Schedule = schedule, ScheduledUntil = Due }, [command], new FollowUpChannels(["device"], ["device"], ["console"]))));
        var channel = _services.GetRequiredService<DeviceChannel>();
        var devices = await channel.QueueAsync(DeviceReminders.Channel, effect.Notification, CancellationToken.None);
        await channel.RecordQueuedAsync("p-1", new DeliveryOutcome(effect.Notification.Key, "p-1:metformin", NotificationKind.DoseMissed, DeviceReminders.Channel,
            ["patient:p-1"], DeliveryStatus.Queued, 1, Due.AddHours(1), null, devices), CancellationToken.None);
        return DeviceReminders.CorrelationId(effect.Notification.Key, DeviceReminders.Channel);
    }

    private DeliveryOutcome Outcome(string correlationId) => WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(_timeline.All, r => r.Id == correlationId).Data);

    private static FeedbackRecord Feedback(string messageId, FeedbackStatusCode status) =>
        new() { DeviceId = "dispenser-1", OriginalMessageId = messageId, StatusCode = status, EnqueuedTimeUtc = Due.AddHours(1).AddMinutes(5).UtcDateTime };
}
