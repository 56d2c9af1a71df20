using System.Net;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace IoMT.Notifications.Tests;

public sealed class NotificationDispatcherTests
{
    private readonly InMemoryTimelineStore _timeline = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 21, 7, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task TransientFailures_Retried_DeliveredOnTheThirdAttempt_RecordedOnceEvenWhenRedelivered()
    {
        var handler = new StubHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        var dispatcher = Dispatcher(handler);

        await dispatcher.NotifyAsync(ChannelTests.Sample());
        await dispatcher.NotifyAsync(ChannelTests.Sample());

        var record = Assert.Single(_timeline.All);
        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(record.Data);
        Assert.Equal((DeliveryStatus.Delivered, TimelineEntryType.Notification, "p-1"), (outcome.Status, record.Type, record.PatientId));
        Assert.Equal(4, handler.Requests.Count);
    }

    [Fact]
    public async Task PermanentRefusal_NotRetried_RecordedAsFailedWithoutTheReceiversAnswer()
    {
        var handler = new StubHandler(HttpStatusCode.BadRequest);

        await Dispatcher(handler).NotifyAsync(ChannelTests.Sample());

        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(_timeline.All).Data);
        Assert.Equal((DeliveryStatus.Failed, 1, "HTTP 400 from hooks.example.org"), (outcome.Status, outcome.Attempts, outcome.Error));
    }

    [Fact]
    public async Task AttemptsExhausted_RecordedAsFailed()
    {
        var handler = new StubHandler(HttpStatusCode.BadGateway);

        await Dispatcher(handler).NotifyAsync(ChannelTests.Sample());

        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(_timeline.All).Data);
        Assert.Equal((DeliveryStatus.Failed, 4), (outcome.Status, outcome.Attempts));
    }

    [Fact]
    public async Task UnknownChannel_RecordedAsNotConfigured_OtherChannelsStillDelivered()
    {
        var handler = new StubHandler(HttpStatusCode.OK);

        await Dispatcher(handler).NotifyAsync(ChannelTests.Sample(NotificationKind.AlertTriggered, "pagerduty:missing", "webhook:ward"));

        var statuses = _timeline.All.Select(r => WorkflowJson.Deserialize<DeliveryOutcome>(r.Data)).OrderBy(o => o.Channel, StringComparer.Ordinal)
            .Select(o => (o.Channel, o.Status));
        Assert.Equal([("pagerduty:missing", DeliveryStatus.NotConfigured), ("webhook:ward", DeliveryStatus.Delivered)], statuses);
    }

    [Fact]
    public async Task ChannelReachingNoRecipient_RecordedUndeliverable_NeverDelivered()
    {
        var console = new CareTeamChannel();
        var dispatcher = new NotificationDispatcher([console], _timeline, ChannelTests.Options(_ => { }), _clock, NullLogger<NotificationDispatcher>.Instance);
        var followUp = ChannelTests.Sample(NotificationKind.DoseMissed, "console") with { Recipients = ["caregiver:p-1"] };

        await dispatcher.NotifyAsync(followUp);

        var outcome = WorkflowJson.Deserialize<DeliveryOutcome>(Assert.Single(_timeline.All).Data);
        Assert.Equal((DeliveryStatus.Undeliverable, 0), (outcome.Status, outcome.Attempts));
        Assert.Contains("console", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, console.Sent);
    }

    [Fact]
    public void CareTeamRecipients_UsersRolesAndOnCall_NotPatientsOrCaregivers()
    {
        Assert.All(["user:u-1", "role:nurse", "oncall:physicians"], r => Assert.True(Core.Escalation.EscalationTarget.IsCareTeam(r)));
        Assert.All(["patient:p-1", "caregiver:p-1", "nurse"], r => Assert.False(Core.Escalation.EscalationTarget.IsCareTeam(r)));
    }

    /// <summary>A console-like channel: reaches the care team only.</summary>
    private sealed class CareTeamChannel : INotificationChannel
    {
        public int Sent { get; private set; }

        public bool Serves(string channel) => channel == "console";

        public bool Reaches(string recipient) => Core.Escalation.EscalationTarget.IsCareTeam(recipient);

        public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
        {
            Sent++;
            return Task.CompletedTask;
        }
    }

    private NotificationDispatcher Dispatcher(StubHandler handler)
    {
        var options = ChannelTests.Options(o => o.Webhooks["ward"] = new WebhookOptions { Url = "https://hooks.example.org/iomt", Secret = new string('k', 40) });
        var webhook = new WebhookChannel(new HttpClient(handler), options, _clock);
        return new NotificationDispatcher([webhook], _timeline, options, _clock, NullLogger<NotificationDispatcher>.Instance);
    }
}
