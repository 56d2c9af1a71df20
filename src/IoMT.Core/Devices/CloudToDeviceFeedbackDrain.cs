using IoMT.Core.Notifications;

namespace IoMT.Core.Devices;

/// <summary>
/// Takes the hub's feedback for a bounded time and records it: each record on its message, then on the notification
/// delivery the message belongs to (a device's completion makes a reminder delivered). A batch is completed only once
/// all of it is recorded; when recording fails it is abandoned, and the hub delivers it again (recording is idempotent).
/// </summary>
public sealed class CloudToDeviceFeedbackDrain(
    ICloudToDeviceFeedbackSource feedback, RecordedCloudToDeviceMessages messages, DeviceDeliveryRecorder deliveries, TimeProvider time)
{
    /// <summary>Receives and records batches until none arrives within what is left of <paramref name="budget"/>; returns how many records it took.</summary>
    public async Task<int> DrainAsync(TimeSpan budget, CancellationToken cancellationToken = default)
    {
        using var deadline = new CancellationTokenSource(budget, time);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var records = 0;
        while (!receiving.IsCancellationRequested && await feedback.ReceiveAsync(receiving.Token).ConfigureAwait(false) is { } batch)
        {
            try
            {
                foreach (var record in batch.Records)
                {
                    if (await messages.RecordFeedbackAsync(record, cancellationToken).ConfigureAwait(false) is { } message)
                    {
                        await deliveries.SettledAsync(message, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch
            {
                await feedback.AbandonAsync(batch, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            await feedback.CompleteAsync(batch, cancellationToken).ConfigureAwait(false);
            records += batch.Records.Count;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return records;
    }
}
