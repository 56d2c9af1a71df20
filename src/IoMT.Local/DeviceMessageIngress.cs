using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Validation;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace IoMT.Local;

/// <summary>What became of device-to-cloud messages offered to <see cref="DeviceMessageIngress"/>.</summary>
internal readonly record struct IngressResult(IReadOnlyList<LoggedMessage>? Stored, ApiError? Error, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => Error is null;
}

/// <summary>
/// The one way device-to-cloud messages enter the local hub, whatever the transport (HTTPS, MQTT, MQTT over
/// WebSockets): from a device the transport authenticated, at most 256 KB (a batch too, as IoT Hub counts it), within
/// the device's rate (a batch counts each of its messages), stored durably in the ingestion log — in the partition of the
/// patient the device is bound to now — before the transport acknowledges them. Message ids are deduplicated by the
/// processor, which reads the log.
/// </summary>
internal sealed class DeviceMessageIngress(DeviceRateLimiter limiter, SqliteIngestionLog log, TimeProvider time, IOptions<LocalOptions> options)
{
    /// <summary>Charges <paramref name="count"/> requests to the device's rate: null when it may go on, else when to retry.</summary>
    public TimeSpan? TryAcquire(string deviceId, int count = 1) => limiter.TryAcquire(deviceId, count);

    /// <summary>
    /// Takes the messages a device sent at once (one, or a batch): stored, or refused (413 too large, 429 over the
    /// device's rate with when to retry) with nothing stored and nothing charged for a refusal by size.
    /// </summary>
    public async Task<IngressResult> AcceptAsync(DeviceRecord device, IReadOnlyList<DeviceMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return new IngressResult([], null);
        }

        if (messages.Sum(m => (long)m.Body.Length) > DeviceGateway.MaxMessageBytes)
        {
            return new IngressResult(null, TooLarge());
        }

        if (limiter.TryAcquire(device.Id, messages.Count) is { } retryAfter)
        {
            return new IngressResult(null, new ApiError(429, SecurityEventCodes.DeviceRateLimited,
                $"Device '{device.Id}' sends more than {options.Value.DeviceMessagesPerSecond:0.#} messages a second; retry after {retryAfter.TotalSeconds:0} s."), retryAfter);
        }

        var now = time.GetUtcNow();
        var patient = BindingHistory.PatientAt(device.Bindings, now);
        var stored = await log.AppendAsync(device.Id, messages, now, patient, cancellationToken).ConfigureAwait(false);
        return new IngressResult(stored, null);
    }

    public static ApiError TooLarge() =>
        new(413, ErrorCodes.MessageTooLarge, $"A device message (or a batch) holds at most {DeviceGateway.MaxMessageBytes:N0} bytes.");
}
