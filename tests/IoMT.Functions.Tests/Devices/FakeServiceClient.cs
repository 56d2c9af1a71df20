using IoMT.Core.Devices;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;

namespace IoMT.Functions.Tests.Devices;

/// <summary>
/// IoT Hub's service client in memory: keeps each message sent as IoT Hub would take it (refusing one when the device
/// has <see cref="CloudToDeviceRules.MaxQueueDepth"/> waiting, as IoT Hub does), and hands out the feedback batches
/// queued on it, recording which were completed and which abandoned.
/// </summary>
internal sealed class FakeServiceClient : ServiceClient
{
    public List<(string DeviceId, string? MessageId, string? CorrelationId, DeliveryAcknowledgement Ack, DateTime Expiry, Dictionary<string, string> Properties, byte[] Body)> Sent { get; } = [];

    public FakeFeedbackReceiver Feedback { get; } = new();

    public override Task SendAsync(string deviceId, Message message, TimeSpan? timeout = null, TimeSpan? connectTimeout = null)
    {
        if (Sent.Count(m => m.DeviceId == deviceId) >= CloudToDeviceRules.MaxQueueDepth)
        {
            throw new DeviceMaximumQueueDepthExceededException(CloudToDeviceRules.MaxQueueDepth);
        }

        Sent.Add((deviceId, message.MessageId, message.CorrelationId, message.Ack, message.ExpiryTimeUtc, new(message.Properties), message.GetBytes()));
        return Task.CompletedTask;
    }

    public override FeedbackReceiver<FeedbackBatch> GetFeedbackReceiver() => Feedback;

    /// <summary>
    /// IoT Hub's feedback endpoint: batches in order; with none left it waits, as the AMQP link does, until cancelled
    /// (then the SDK throws), or answers null at once when <see cref="NullWhenEmpty"/> (its receive timed out).
    /// </summary>
    internal sealed class FakeFeedbackReceiver : FeedbackReceiver<FeedbackBatch>
    {
        public Queue<FeedbackBatch> Batches { get; } = new();

        public List<FeedbackBatch> Completed { get; } = [];

        public List<FeedbackBatch> Abandoned { get; } = [];

        public bool NullWhenEmpty { get; set; } = true;

        public void Add(params FeedbackRecord[] records) => Batches.Enqueue(new FeedbackBatch { EnqueuedTime = DateTime.UtcNow, Records = records, UserId = "iothub" });

        public override async Task<FeedbackBatch> ReceiveAsync(CancellationToken cancellationToken)
        {
            if (Batches.TryDequeue(out var batch))
            {
                return batch;
            }

            if (NullWhenEmpty)
            {
                return null!;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null!;
        }

        public override Task CompleteAsync(FeedbackBatch t, CancellationToken cancellationToken)
        {
            Completed.Add(t);
            return Task.CompletedTask;
        }

        public override Task AbandonAsync(FeedbackBatch t, CancellationToken cancellationToken)
        {
            Abandoned.Add(t);
            return Task.CompletedTask;
        }

        [Obsolete("Use ReceiveAsync(CancellationToken cancellationToken).")]
        public override Task<FeedbackBatch> ReceiveAsync() => throw new NotSupportedException();

        [Obsolete("Use ReceiveAsync(CancellationToken cancellationToken).")]
        public override Task<FeedbackBatch> ReceiveAsync(TimeSpan timeout) => throw new NotSupportedException();

        [Obsolete("Use CompleteASync(T t, CancellationToken cancellationToken).")]
        public override Task CompleteAsync(FeedbackBatch t) => throw new NotSupportedException();

        [Obsolete("Use AbandonAsync(T t, CancellationToken cancellationToken).")]
        public override Task AbandonAsync(FeedbackBatch t) => throw new NotSupportedException();
    }
}
