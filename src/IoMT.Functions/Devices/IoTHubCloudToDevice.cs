using IoMT.Core.Devices;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;

namespace IoMT.Functions.Devices;

/// <summary>
/// Cloud-to-device messages through IoT Hub's service API (AMQP, the app's managed identity): each message goes with our
/// id as its message id, its correlation id, application properties and expiry, and asks for full feedback, so IoT Hub
/// reports every outcome (completed, rejected, expired, dead-lettered, purged) on its feedback endpoint.
/// </summary>
public sealed class IoTHubCloudToDevice(ServiceClient hub) : ICloudToDeviceSender, ICloudToDeviceFeedbackSource
{
    public async Task<bool> SendAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var sent = ToHub(message);
        try
        {
            await hub.SendAsync(message.DeviceId, sent).ConfigureAwait(false);
            return true;
        }
        catch (DeviceMaximumQueueDepthExceededException)
        {
            return false;
        }
    }

    /// <summary>The next feedback batch; null when IoT Hub has none, or none arrived before <paramref name="cancellationToken"/> was cancelled.</summary>
    public async Task<CloudToDeviceFeedbackBatch?> ReceiveAsync(CancellationToken cancellationToken)
    {
        FeedbackBatch? batch;
        try
        {
            batch = await hub.GetFeedbackReceiver().ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The SDK reports a cancelled receive as cancellation or as a communication error, depending on where it stopped.
            return null;
        }

        return batch is null ? null : new CloudToDeviceFeedbackBatch([.. (batch.Records ?? []).Select(ToCore)], batch);
    }

    public Task CompleteAsync(CloudToDeviceFeedbackBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return hub.GetFeedbackReceiver().CompleteAsync((FeedbackBatch)batch.Handle, cancellationToken);
    }

    public Task AbandonAsync(CloudToDeviceFeedbackBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return hub.GetFeedbackReceiver().AbandonAsync((FeedbackBatch)batch.Handle, cancellationToken);
    }

    /// <summary>Our message as IoT Hub's: the body as it is, full acknowledgement, the expiry in UTC.</summary>
    internal static Message ToHub(CloudToDeviceMessage message)
    {
        var hubMessage = new Message(message.Body)
        {
            MessageId = message.MessageId,
            CorrelationId = message.CorrelationId,
            Ack = DeliveryAcknowledgement.Full,
            ExpiryTimeUtc = message.ExpiresAt.UtcDateTime,
        };
        foreach (var (name, value) in message.Properties)
        {
            hubMessage.Properties[name] = value;
        }

        return hubMessage;
    }

    private static CloudToDeviceFeedbackRecord ToCore(FeedbackRecord record) =>
        new(record.DeviceId, record.OriginalMessageId, record.StatusCode.ToString(), new DateTimeOffset(DateTime.SpecifyKind(record.EnqueuedTimeUtc, DateTimeKind.Utc)));
}
