using IoMT.Core.Notifications;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace IoMT.Notifications;

/// <summary>
/// Delivers a notification through each of its channels, retrying transient failures with exponential backoff and
/// jitter (Polly), and writes each channel's outcome (delivered, failed, not configured, undeliverable when the channel
/// reaches none of the recipients) on the patient's timeline
/// under an id derived from the notification's key and the channel, so redelivery records it once. A failed
/// delivery does not stop the escalation: the next level still follows.
/// </summary>
public sealed partial class NotificationDispatcher(
    IEnumerable<INotificationChannel> channels, ITimelineStore timelines, IOptionsMonitor<NotificationOptions> options, TimeProvider time,
    ILogger<NotificationDispatcher> logger) : INotifier
{
    private readonly INotificationChannel[] _channels = [.. channels];
    private (NotificationOptions Settings, ResiliencePipeline Pipeline)? _pipeline;

    public async Task NotifyAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var records = new List<TimelineRecord>();
        foreach (var name in notification.Channels.Distinct(StringComparer.Ordinal))
        {
            var (outcome, queuing) = await DeliverAsync(name, notification, cancellationToken).ConfigureAwait(false);
            if (queuing is not null && outcome.Status == DeliveryStatus.Queued)
            {
                // Queued is not delivered: the channel records it, and records what the devices do with it.
                await queuing.RecordQueuedAsync(notification.PatientId, outcome, cancellationToken).ConfigureAwait(false);
                continue;
            }

            records.Add(WorkflowEffects.DeliveryRecord(notification.PatientId, outcome));
        }

        await timelines.AppendAsync(notification.Key, records, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(DeliveryOutcome Outcome, IQueuingNotificationChannel? Queuing)> DeliverAsync(
        string name, Notification notification, CancellationToken cancellationToken)
    {
        var channel = _channels.FirstOrDefault(c => c.Serves(name));
        if (channel is null)
        {
            Log.NotConfigured(logger, name);
            return (Outcome(name, notification, DeliveryStatus.NotConfigured, 0, $"No channel '{name}' is configured."), null);
        }

        if (!notification.Recipients.Any(channel.Reaches))
        {
            return (Outcome(name, notification, DeliveryStatus.Undeliverable, 0, $"The '{name}' channel reaches none of the recipients."), null);
        }

        var queuing = channel as IQueuingNotificationChannel;
        var attempts = 0;
        IReadOnlyList<DeviceDelivery>? devices = null;
        try
        {
            await Pipeline().ExecuteAsync(async token =>
            {
                attempts++;
                if (queuing is null)
                {
                    await channel.SendAsync(name, notification, token).ConfigureAwait(false);
                }
                else
                {
                    devices = await queuing.QueueAsync(name, notification, token).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
            return queuing is null
                ? (Outcome(name, notification, DeliveryStatus.Delivered, attempts, null), null)
                : (Outcome(name, notification, DeliveryStatus.Queued, attempts, null) with { Devices = devices }, queuing);
        }
        catch (Exception e) when (e is HttpRequestException or PermanentDeliveryException or TimeoutRejectedException)
        {
            Log.Failed(logger, name, attempts, e.Message);
            return (Outcome(name, notification, DeliveryStatus.Failed, attempts, e.Message), queuing);
        }
    }

    /// <summary>The retry pipeline of the current settings, built once per settings (they reload when configuration changes).</summary>
    private ResiliencePipeline Pipeline()
    {
        var settings = options.CurrentValue;
        if (_pipeline is { } built && ReferenceEquals(built.Settings, settings))
        {
            return built.Pipeline;
        }

        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = settings.MaxAttempts - 1,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
        _pipeline = (settings, pipeline);
        return pipeline;
    }

    private DeliveryOutcome Outcome(string channel, Notification notification, DeliveryStatus status, int attempts, string? error) =>
        new(notification.Key, notification.Subject, notification.Kind, channel, notification.Recipients, status, attempts, time.GetUtcNow(), error);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Notification channel {Channel} is not configured; the delivery is recorded as not configured")]
        public static partial void NotConfigured(ILogger logger, string channel);

        [LoggerMessage(Level = LogLevel.Error, Message = "Delivery through {Channel} failed after {Attempts} attempt(s): {Reason}")]
        public static partial void Failed(ILogger logger, string channel, int attempts, string reason);
    }
}
