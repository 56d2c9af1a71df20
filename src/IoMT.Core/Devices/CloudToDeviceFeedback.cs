namespace IoMT.Core.Devices;

/// <summary>
/// One outcome IoT Hub reports on its feedback endpoint for a message sent with full acknowledgement: the device, our
/// message id, IoT Hub's status code as it names it (<c>Success</c>, <c>Expired</c>, <c>DeliveryCountExceeded</c>,
/// <c>Rejected</c>, <c>Purged</c>) and when the outcome happened.
/// </summary>
public sealed record CloudToDeviceFeedbackRecord(string DeviceId, string OriginalMessageId, string StatusCode, DateTimeOffset At);

/// <summary>A batch of feedback as the hub hands it out: completed once every record is recorded, abandoned (delivered again) otherwise.</summary>
public sealed record CloudToDeviceFeedbackBatch(IReadOnlyList<CloudToDeviceFeedbackRecord> Records, object Handle);

/// <summary>
/// The rules for messages a hub queues itself (IoT Hub in Azure): the product learns their outcome only from the
/// hub's feedback, and keeps its own record of each message sent.
/// </summary>
public static class CloudToDeviceFeedbackRules
{
    /// <summary>
    /// How long after a message expires its feedback may still arrive: IoT Hub keeps feedback one hour by default. Until
    /// then a pending message is shown as IoT Hub last reported it; after, as expired.
    /// </summary>
    public static readonly TimeSpan FeedbackGrace = TimeSpan.FromHours(1);

    /// <summary>The status IoT Hub's feedback <paramref name="statusCode"/> stands for; null for a code it does not define.</summary>
    public static CloudToDeviceStatus? StatusOf(string statusCode) => statusCode switch
    {
        "Success" => CloudToDeviceStatus.Completed,
        "Expired" => CloudToDeviceStatus.Expired,
        "DeliveryCountExceeded" => CloudToDeviceStatus.DeadLettered,
        "Rejected" => CloudToDeviceStatus.Rejected,
        "Purged" => CloudToDeviceStatus.Purged,
        _ => null,
    };

    /// <summary>
    /// <paramref name="message"/> finished as <paramref name="feedback"/> says, at its time. A message finished already
    /// does not change (feedback is delivered at least once), nor does one the feedback's code does not name.
    /// </summary>
    public static CloudToDeviceMessage Apply(CloudToDeviceMessage message, CloudToDeviceFeedbackRecord feedback)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(feedback);
        if (!message.IsPending || StatusOf(feedback.StatusCode) is not { } status)
        {
            return message;
        }

        var kind = status switch
        {
            CloudToDeviceStatus.Completed => CloudToDeviceEventKind.Completed,
            CloudToDeviceStatus.Expired => CloudToDeviceEventKind.Expired,
            CloudToDeviceStatus.DeadLettered => CloudToDeviceEventKind.DeadLettered,
            CloudToDeviceStatus.Rejected => CloudToDeviceEventKind.Rejected,
            _ => CloudToDeviceEventKind.Purged,
        };
        return message with { Status = status, Events = [.. message.Events, new CloudToDeviceEvent(feedback.At, kind)] };
    }

    /// <summary>
    /// A recorded message as of <paramref name="now"/>: still pending, it is expired (at its expiry) once its feedback
    /// can no longer arrive (<see cref="FeedbackGrace"/>); earlier, a completion may still be on its way.
    /// </summary>
    public static CloudToDeviceMessage Advance(CloudToDeviceMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.IsPending && message.ExpiresAt + FeedbackGrace <= now
            ? message with { Status = CloudToDeviceStatus.Expired, Events = [.. message.Events, new CloudToDeviceEvent(message.ExpiresAt, CloudToDeviceEventKind.Expired)] }
            : message;
    }
}

/// <summary>A hub that queues cloud-to-device messages itself (IoT Hub's service API in Azure).</summary>
public interface ICloudToDeviceSender
{
    /// <summary>
    /// Hands <paramref name="message"/> to the hub with its id, correlation id, properties and expiry, asking for full
    /// feedback; false when the device's queue is full.
    /// </summary>
    Task<bool> SendAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default);
}

/// <summary>The hub's feedback endpoint.</summary>
public interface ICloudToDeviceFeedbackSource
{
    /// <summary>The next batch of feedback; null when none arrived before <paramref name="cancellationToken"/> was cancelled.</summary>
    Task<CloudToDeviceFeedbackBatch?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>The batch is recorded: the hub forgets it.</summary>
    Task CompleteAsync(CloudToDeviceFeedbackBatch batch, CancellationToken cancellationToken = default);

    /// <summary>The batch could not be recorded: the hub delivers it again.</summary>
    Task AbandonAsync(CloudToDeviceFeedbackBatch batch, CancellationToken cancellationToken = default);
}

/// <summary>The product's own record of the messages it handed to a hub (Cosmos DB in Azure), durable before each call returns.</summary>
public interface ICloudToDeviceLog
{
    /// <summary>Records a message just sent; false (nothing changes) when the device's record holds its id already.</summary>
    Task<bool> AddAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default);

    /// <summary>Replaces the record of a message (its outcome).</summary>
    Task SaveAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default);

    Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>The device's newest messages first (by the time they were sent), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, CancellationToken cancellationToken = default);
}

/// <summary>
/// Cloud-to-device messages through a hub that queues them itself: each is sent (the hub enforces its queue depth and
/// expiry), then recorded; its outcome comes from the hub's feedback (<see cref="RecordFeedbackAsync"/>). A message
/// whose id is recorded already is not sent again. A crash between the hub's acceptance and the record sends it once
/// more on retry, with the same message id, by which the device recognizes it.
/// </summary>
public sealed class RecordedCloudToDeviceMessages(ICloudToDeviceSender hub, ICloudToDeviceLog log) : ICloudToDeviceMessages
{
    public async Task<bool> EnqueueAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await log.FindAsync(message.DeviceId, message.MessageId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return true;
        }

        if (!await hub.SendAsync(message, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await log.AddAsync(message, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await log.FindAsync(deviceId, messageId, cancellationToken).ConfigureAwait(false) is { } message ? CloudToDeviceFeedbackRules.Advance(message, now) : null;

    public async Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        [.. (await log.ListAsync(deviceId, max, cancellationToken).ConfigureAwait(false)).Select(m => CloudToDeviceFeedbackRules.Advance(m, now))];

    /// <summary>
    /// Records <paramref name="feedback"/> on its message (once: a record seen again changes nothing); the message as it
    /// now stands, or null when the product has no record of it (sent by someone else, or forgotten).
    /// </summary>
    public async Task<CloudToDeviceMessage?> RecordFeedbackAsync(CloudToDeviceFeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (await log.FindAsync(feedback.DeviceId, feedback.OriginalMessageId, cancellationToken).ConfigureAwait(false) is not { } message)
        {
            return null;
        }

        var finished = CloudToDeviceFeedbackRules.Apply(message, feedback);
        if (!ReferenceEquals(finished, message))
        {
            await log.SaveAsync(finished, cancellationToken).ConfigureAwait(false);
        }

        return finished;
    }
}
