using System.Globalization;
using Azure.Messaging.EventHubs;
using IoMT.Core.Pipeline;
using IoMT.Functions.Workflows;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Ingestion;

/// <summary>
/// Device telemetry as IoT Hub routes it to Event Hubs, in batches, through the same <see cref="BatchIngestion"/> as the
/// local host: the device is the one IoT Hub authenticated (system property <c>iothub-connection-device-id</c>), never
/// what the message claims. A batch that fails is tried again with a growing pause; one that still fails is written
/// whole to the dead-letter container before the function returns, so Event Hubs may checkpoint past it without
/// losing a reading. Only if that write fails too does the function fail.
/// </summary>
public sealed partial class IngestionFunction(
    BatchIngestion ingestion, DurableClientAccessor durable, IDeadLetter deadLetter, IOptions<AzureIngestionOptions> options, TimeProvider time,
    ILogger<IngestionFunction> logger)
{
    public const string DeviceIdProperty = "iothub-connection-device-id";
    public const string MessageIdProperty = "message-id";
    public const string CreationTimeProperty = "iothub-creation-time-utc";

    [Function("Ingest")]
    public async Task RunAsync(
        [EventHubTrigger("%EventHubName%", Connection = "EventHubs", ConsumerGroup = "%EventHubConsumerGroup%")] EventData[] events,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        durable.Client = client;
        var batch = events.Select(ToReceived).ToList();
        var settings = options.Value;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await ingestion.ProcessAsync(batch, cancellationToken).ConfigureAwait(false);
                Log.Processed(logger, outcome.Messages, outcome.Readings, outcome.Quarantined, outcome.Duplicates, outcome.Events);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= settings.MaxAttempts)
                {
                    Log.DeadLettered(logger, e, batch.Count, attempt);
                    await deadLetter.WriteAsync(batch, e.GetType().Name, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var pause = settings.RetryDelay * Math.Pow(2, attempt - 1);
                Log.Retrying(logger, e.GetType().Name, attempt, pause.TotalSeconds);
                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// An event as ingestion takes it. Its source position (device, sequence number, enqueued time) is the same on every
    /// redelivery and unique: a device's messages stay in one partition, whose sequence numbers do not repeat.
    /// </summary>
    public static ReceivedMessage ToReceived(EventData message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var deviceId = message.SystemProperties.TryGetValue(DeviceIdProperty, out var id) ? id as string : null;
        var position = string.Create(CultureInfo.InvariantCulture, $"{deviceId ?? "-"}:{message.SequenceNumber}:{message.EnqueuedTime.UtcTicks}");
        return new ReceivedMessage(message.EventBody.ToMemory(), deviceId, message.EnqueuedTime, position)
        {
            Properties = Properties(message),
            TransportMessageId = message.SystemProperties.TryGetValue(MessageIdProperty, out var messageId) ? messageId?.ToString() : null,
        };
    }

    /// <summary>
    /// The application properties as mapping templates read them (<c>$.Properties</c>), with the device's creation time,
    /// which IoT Hub may carry among the system properties.
    /// </summary>
    private static Dictionary<string, string> Properties(EventData message)
    {
        var properties = message.Properties.Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => Convert.ToString(p.Value, CultureInfo.InvariantCulture)!, StringComparer.Ordinal);
        if (!properties.ContainsKey(CreationTimeProperty) && message.SystemProperties.TryGetValue(CreationTimeProperty, out var created) && created is not null)
        {
            properties[CreationTimeProperty] = created is DateTime time
                ? time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)
                : Convert.ToString(created, CultureInfo.InvariantCulture)!;
        }

        return properties;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Messages} messages: {Readings} readings, {Quarantined} quarantined, {Duplicates} duplicates, {Events} workflow events")]
        public static partial void Processed(ILogger logger, int messages, int readings, int quarantined, int duplicates, int events);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion attempt {Attempt} failed ({Error}); trying again in {Seconds} s")]
        public static partial void Retrying(ILogger logger, string error, int attempt, double seconds);

        [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Messages} messages failed {Attempts} times; it goes to the dead-letter container")]
        public static partial void DeadLettered(ILogger logger, Exception exception, int messages, int attempts);
    }
}
