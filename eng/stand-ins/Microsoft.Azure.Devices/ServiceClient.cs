// Mirrors Microsoft.Azure.Devices 1.41.1 (IoT Hub service SDK v1): see README.md for the source of each member.
#nullable disable
using Azure.Core;

namespace Microsoft.Azure.Devices
{
#pragma warning disable CA1707 // The real enum's member name.
    public enum TransportType
    {
        Amqp,
        Amqp_WebSocket_Only,
    }
#pragma warning restore CA1707

    public class ServiceClient : IDisposable
    {
        public ServiceClient()
        {
        }

        public static ServiceClient Create(
            string hostName,
            TokenCredential credential,
            TransportType transportType = TransportType.Amqp,
            ServiceClientTransportSettings transportSettings = default,
            ServiceClientOptions options = default) => throw StandIn.NotSupported();

        public virtual Task SendAsync(string deviceId, Message message, TimeSpan? timeout = null, TimeSpan? connectTimeout = null) => throw StandIn.NotSupported();

        public virtual FeedbackReceiver<FeedbackBatch> GetFeedbackReceiver() => throw StandIn.NotSupported();

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
        }
    }

    public sealed class ServiceClientTransportSettings
    {
    }

    public class ServiceClientOptions
    {
    }

    public enum DeliveryAcknowledgement
    {
        None,
        NegativeOnly,
        PositiveOnly,
        Full,
    }

    public sealed class Message : IDisposable
    {
        private readonly byte[] _body;

        public Message(byte[] byteArray)
        {
            _body = byteArray;
        }

        public string MessageId { get; set; }

        public string CorrelationId { get; set; }

        public DateTime ExpiryTimeUtc { get; set; }

        public DeliveryAcknowledgement Ack { get; set; }

        public IDictionary<string, string> Properties { get; private set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public byte[] GetBytes() => _body;

        public void Dispose()
        {
        }
    }

    public abstract class Receiver<T>
    {
        [Obsolete("Use ReceiveAsync(CancellationToken cancellationToken).")]
        public abstract Task<T> ReceiveAsync();

        [Obsolete("Use ReceiveAsync(CancellationToken cancellationToken).")]
        public abstract Task<T> ReceiveAsync(TimeSpan timeout);

        public abstract Task<T> ReceiveAsync(CancellationToken cancellationToken);

        [Obsolete("Use CompleteASync(T t, CancellationToken cancellationToken).")]
        public abstract Task CompleteAsync(T t);

        public abstract Task CompleteAsync(T t, CancellationToken cancellationToken);

        [Obsolete("Use AbandonAsync(T t, CancellationToken cancellationToken).")]
        public abstract Task AbandonAsync(T t);

        public abstract Task AbandonAsync(T t, CancellationToken cancellationToken);
    }

    public abstract class FeedbackReceiver<T> : Receiver<T>
        where T : FeedbackBatch
    {
    }

    public class FeedbackBatch
    {
        public DateTime EnqueuedTime { get; set; }

        public IEnumerable<FeedbackRecord> Records { get; set; }

        public string UserId { get; set; }
    }

    public class FeedbackRecord
    {
        public string OriginalMessageId { get; set; }

        public string DeviceGenerationId { get; set; }

        public string DeviceId { get; set; }

        public DateTime EnqueuedTimeUtc { get; set; }

        public FeedbackStatusCode StatusCode { get; set; }

        public string Description { get; set; }
    }

    public enum FeedbackStatusCode
    {
        Success = 0,
        Expired = 1,
        DeliveryCountExceeded = 2,
        Rejected = 3,
        Purged = 4,
    }
}

namespace Microsoft.Azure.Devices.Common.Exceptions
{
    public sealed class DeviceMaximumQueueDepthExceededException : IotHubException
    {
        public DeviceMaximumQueueDepthExceededException(int maximumQueueDepth)
            : base($"Device Queue depth cannot exceed {maximumQueueDepth} messages")
        {
        }

        public DeviceMaximumQueueDepthExceededException(string message)
            : base(message)
        {
        }

        public DeviceMaximumQueueDepthExceededException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
