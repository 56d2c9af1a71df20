using System.Text;
using System.Text.Json;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>Where a cloud-to-device message is in its life, as IoT Hub tracks it.</summary>
public enum CloudToDeviceStatus
{
    /// <summary>Waiting for the device (IoT Hub: Enqueued).</summary>
    Queued,

    /// <summary>Received by the device and locked for it until it completes, abandons or rejects it (IoT Hub: Invisible).</summary>
    Delivered,

    Completed,

    /// <summary>The device refused it: it is not delivered again (IoT Hub: dead-lettered, feedback Rejected).</summary>
    Rejected,

    /// <summary>Its time to live ran out before the device completed it.</summary>
    Expired,

    /// <summary>Abandoned or left locked <see cref="CloudToDeviceRules.MaxDeliveryCount"/> times (IoT Hub feedback DeliveryCountExceeded).</summary>
    DeadLettered,

    /// <summary>Removed from the device's queue by a purge before the device completed it (IoT Hub feedback Purged; Azure only).</summary>
    Purged,
}

/// <summary>What happened to a cloud-to-device message: its delivery record.</summary>
public enum CloudToDeviceEventKind
{
    Queued,
    Delivered,
    Abandoned,

    /// <summary>The device held the lock past <see cref="CloudToDeviceRules.LockTimeout"/> without settling: back to the queue.</summary>
    LockExpired,
    Completed,
    Rejected,
    Expired,
    DeadLettered,
    Purged,
}

public sealed record CloudToDeviceEvent(DateTimeOffset At, CloudToDeviceEventKind Event);

/// <summary>How a device settles a message it holds locked.</summary>
public enum CloudToDeviceSettlement
{
    /// <summary>Done: removed from the queue.</summary>
    Complete,

    /// <summary>Not now: back to the queue, counted as an unsuccessful delivery.</summary>
    Abandon,

    /// <summary>Never: not delivered again.</summary>
    Reject,
}

/// <summary>
/// A cloud-to-device message in a device's queue, with its delivery state and record. <see cref="DeliveryCount"/>
/// counts unsuccessful deliveries (abandoned, or locked past the lock timeout), as IoT Hub's
/// <c>iothub-deliverycount</c> does; <see cref="LockToken"/> is the ETag of the current delivery.
/// </summary>
public sealed record CloudToDeviceMessage
{
    public required string DeviceId { get; init; }

    public required string MessageId { get; init; }

    /// <summary>Set by the queue when it stores the message; increases with every message it stores.</summary>
    public long SequenceNumber { get; init; }

    public required byte[] Body { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>Application properties (<c>iothub-app-{name}</c> over HTTPS).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public required DateTimeOffset EnqueuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Who sent it (a user id, or the product's own actor, e.g. <c>workflow:adherence</c>).</summary>
    public required string EnqueuedBy { get; init; }

    public CloudToDeviceStatus Status { get; init; } = CloudToDeviceStatus.Queued;

    public int DeliveryCount { get; init; }

    public string? LockToken { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    public IReadOnlyList<CloudToDeviceEvent> Events { get; init; } = [];

    /// <summary>Queued or delivered: still in the device's queue, counted against its depth.</summary>
    public bool IsPending => Status is CloudToDeviceStatus.Queued or CloudToDeviceStatus.Delivered;
}

/// <summary>
/// IoT Hub's cloud-to-device rules, as pure functions over a device's messages, shared by every queue store: a time to
/// live (default 1 hour, at most 48 hours), at most 50 messages waiting or locked per device, a one-minute lock per
/// delivery, at most 10 deliveries, 64 KB per message. A store brings its messages up to now with
/// <see cref="Advance"/> before it acts on them.
/// </summary>
public static class CloudToDeviceRules
{
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromHours(48);
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(1);
    public const int MaxDeliveryCount = 10;
    public const int MaxQueueDepth = 50;

    /// <summary>IoT Hub's limit for a cloud-to-device message, body and properties together.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    public const int MaxCorrelationIdLength = 128;

    /// <summary>How long finished messages (completed, rejected, expired, dead-lettered) are kept for their record.</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// <paramref name="message"/> as of <paramref name="now"/>: a lock held past its timeout puts the message back in
    /// the queue (an unsuccessful delivery; dead-lettered at the <see cref="MaxDeliveryCount"/>th), and a message past
    /// its time to live expires. Finished messages do not change.
    /// </summary>
    public static CloudToDeviceMessage Advance(CloudToDeviceMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is { Status: CloudToDeviceStatus.Delivered, LockedUntil: { } until } && until <= now && until < message.ExpiresAt)
        {
            message = Unsuccessful(message, until, CloudToDeviceEventKind.LockExpired);
        }

        return message.IsPending && message.ExpiresAt <= now
            ? Finish(message, message.ExpiresAt, CloudToDeviceStatus.Expired, CloudToDeviceEventKind.Expired)
            : message;
    }

    /// <summary>The device receives <paramref name="message"/> (a queued one): locked for it until now + the lock timeout.</summary>
    public static CloudToDeviceMessage Deliver(CloudToDeviceMessage message, string lockToken, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(lockToken);
        if (message.Status != CloudToDeviceStatus.Queued)
        {
            throw new InvalidOperationException($"Only a queued message is delivered; this one is {message.Status}.");
        }

        return message with
        {
            Status = CloudToDeviceStatus.Delivered,
            LockToken = lockToken,
            LockedUntil = now + LockTimeout,
            Events = [.. message.Events, new CloudToDeviceEvent(now, CloudToDeviceEventKind.Delivered)],
        };
    }

    /// <summary>
    /// The device settles the message it holds with <paramref name="lockToken"/> (<paramref name="message"/> advanced to
    /// now). Refused with <see cref="IoTHubErrors.LockLostCode"/> when the message is not locked with this token any
    /// more: settled already, its lock timed out, or it expired.
    /// </summary>
    public static ApiResult<CloudToDeviceMessage> Settle(
        CloudToDeviceMessage? message, string lockToken, CloudToDeviceSettlement settlement, DateTimeOffset now)
    {
        if (message is not { Status: CloudToDeviceStatus.Delivered } || !string.Equals(message.LockToken, lockToken, StringComparison.OrdinalIgnoreCase))
        {
            return LockLost(lockToken);
        }

        return settlement switch
        {
            CloudToDeviceSettlement.Complete => Finish(message, now, CloudToDeviceStatus.Completed, CloudToDeviceEventKind.Completed),
            CloudToDeviceSettlement.Reject => Finish(message, now, CloudToDeviceStatus.Rejected, CloudToDeviceEventKind.Rejected),
            _ => Unsuccessful(message, now, CloudToDeviceEventKind.Abandoned),
        };
    }

    public static ApiError LockLost(string lockToken) =>
        new(412, IoTHubErrors.LockLostCode,
            $"No message of this device is locked with '{lockToken}': it was settled already, or its lock ({LockTimeout.TotalMinutes:0} minute) or its time to live ran out. Receive it again.");

    /// <summary>
    /// A new message for <paramref name="deviceId"/> from a request: the payload as the body (a JSON string as its text,
    /// any other JSON value as JSON), the correlation id, the application properties (ASCII letters, digits and
    /// <c>!#$%&amp;'*+-.^_`|~</c> in names and values, as IoT Hub requires for messages that travel as HTTP headers),
    /// and the time to live in seconds (default 1 hour, at most 48 hours).
    /// </summary>
    public static ApiResult<CloudToDeviceMessage> Validate(
        CloudToDeviceRequest request, string deviceId, string messageId, string actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Payload is not { } payload || payload.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return ApiError.InvalidBody("/payload", "'payload' is required: the message for the device, a JSON value or a string.");
        }

        var body = payload.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(payload.GetString()!) : Encoding.UTF8.GetBytes(payload.GetRawText());
        if (request.CorrelationId is { } correlationId && (correlationId.Length is 0 or > MaxCorrelationIdLength || !IsPrintableAscii(correlationId)))
        {
            return ApiError.InvalidBody("/correlationId", $"'correlationId' is 1–{MaxCorrelationIdLength} printable ASCII characters.");
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var size = body.Length + (request.CorrelationId?.Length ?? 0);
        foreach (var (name, value) in request.Properties ?? [])
        {
            if (!IsToken(name))
            {
                return ApiError.InvalidBody("/properties", $"Property '{name}': names are ASCII letters, digits and !#$%&'*+-.^_`|~ only.");
            }

            if (value is null || !IsToken(value))
            {
                return ApiError.InvalidBody($"/properties/{name}", "A property's value is a string of ASCII letters, digits and !#$%&'*+-.^_`|~ only.");
            }

            properties[name] = value;
            size += name.Length + value.Length;
        }

        if (size > MaxMessageBytes)
        {
            return ApiError.InvalidBody("/payload", $"A cloud-to-device message holds at most {MaxMessageBytes:N0} bytes, payload and properties together; this one has {size:N0}.");
        }

        var ttl = request.TtlSeconds ?? (int)DefaultTimeToLive.TotalSeconds;
        if (ttl < 1 || ttl > MaxTimeToLive.TotalSeconds)
        {
            return ApiError.InvalidBody("/ttlSeconds", $"'ttlSeconds' is 1–{MaxTimeToLive.TotalSeconds:0} (48 hours); the default is {DefaultTimeToLive.TotalSeconds:0}.");
        }

        return new CloudToDeviceMessage
        {
            DeviceId = deviceId,
            MessageId = messageId,
            Body = body,
            CorrelationId = request.CorrelationId,
            Properties = properties,
            EnqueuedAt = now,
            ExpiresAt = now.AddSeconds(ttl),
            EnqueuedBy = actor,
            Events = [new CloudToDeviceEvent(now, CloudToDeviceEventKind.Queued)],
        };
    }

    private static CloudToDeviceMessage Finish(CloudToDeviceMessage message, DateTimeOffset at, CloudToDeviceStatus status, CloudToDeviceEventKind kind) =>
        message with { Status = status, LockToken = null, LockedUntil = null, Events = [.. message.Events, new CloudToDeviceEvent(at, kind)] };

    /// <summary>An abandoned delivery, or a lock that timed out: back to the queue, or dead-lettered after the last delivery allowed.</summary>
    private static CloudToDeviceMessage Unsuccessful(CloudToDeviceMessage message, DateTimeOffset at, CloudToDeviceEventKind kind)
    {
        var counted = message with
        {
            Status = CloudToDeviceStatus.Queued,
            DeliveryCount = message.DeliveryCount + 1,
            LockToken = null,
            LockedUntil = null,
            Events = [.. message.Events, new CloudToDeviceEvent(at, kind)],
        };
        return counted.DeliveryCount >= MaxDeliveryCount
            ? Finish(counted, at, CloudToDeviceStatus.DeadLettered, CloudToDeviceEventKind.DeadLettered)
            : counted;
    }

    /// <summary>An HTTP token (RFC 9110 <c>tchar</c>): what IoT Hub allows in property names and values.</summary>
    private static bool IsToken(string text) =>
        text.Length is > 0 and <= 1024 && text.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    private static bool IsPrintableAscii(string text) => text.All(c => c is >= ' ' and <= '~');
}

/// <summary>
/// <c>POST /api/devices/{id}/messages</c>: a message for a device. <see cref="Payload"/> is any JSON value (a string
/// is sent as its text, anything else as JSON); <see cref="TtlSeconds"/> defaults to 3,600 (at most 172,800).
/// </summary>
public sealed record CloudToDeviceRequest(JsonElement? Payload, string? CorrelationId = null, Dictionary<string, string?>? Properties = null, int? TtlSeconds = null);

/// <summary>A message accepted for a device: its id (the device sees it as <c>iothub-messageid</c>) and when it expires.</summary>
public sealed record CloudToDeviceSent(string MessageId, DateTimeOffset EnqueuedAt, DateTimeOffset ExpiresAt);

/// <summary>A cloud-to-device message as the management API shows it: its delivery state and record, not its payload.</summary>
public sealed record CloudToDeviceMessageView(
    string MessageId,
    string? CorrelationId,
    IReadOnlyDictionary<string, string> Properties,
    int SizeBytes,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset ExpiresAt,
    string EnqueuedBy,
    CloudToDeviceStatus Status,
    int DeliveryCount,
    IReadOnlyList<CloudToDeviceEvent> Events)
{
    public static CloudToDeviceMessageView Of(CloudToDeviceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.MessageId, message.CorrelationId, message.Properties, message.Body.Length, message.EnqueuedAt, message.ExpiresAt,
            message.EnqueuedBy, message.Status, message.DeliveryCount, message.Events);
    }
}

/// <summary>
/// The cloud-to-device messages the product sends, with their delivery record: what the management API and the
/// <c>device</c> channel need, in every host (the local queue; IoT Hub and our own record of what was sent, in Azure).
/// </summary>
public interface ICloudToDeviceMessages
{
    /// <summary>
    /// Queues a validated message; false (nothing queued) when the device has <see cref="CloudToDeviceRules.MaxQueueDepth"/>
    /// pending already. A message whose id the device's record holds already is not queued again (true, nothing changes).
    /// </summary>
    Task<bool> EnqueueAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default);

    /// <summary>One message with its delivery record (as of <paramref name="now"/>), or null.</summary>
    Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The device's newest messages first, at most <paramref name="max"/>, as of <paramref name="now"/>.</summary>
    Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>
/// Each device's cloud-to-device queue as the local hub serves it to devices (SQLite), applying
/// <see cref="CloudToDeviceRules"/>. Every change is durable before the call returns; a device's operations are atomic
/// with respect to each other.
/// </summary>
public interface ICloudToDeviceStore : ICloudToDeviceMessages
{
    /// <summary>Locks the device's oldest queued message for it and returns it (with its new lock token); null when none is queued.</summary>
    Task<CloudToDeviceMessage?> ReceiveAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Completes, abandons or rejects the message the device holds with <paramref name="lockToken"/>; the message as settled, or <see cref="CloudToDeviceRules.LockLost"/>.</summary>
    Task<ApiResult<CloudToDeviceMessage>> SettleAsync(
        string deviceId, string lockToken, CloudToDeviceSettlement settlement, DateTimeOffset now, CancellationToken cancellationToken = default);
}
