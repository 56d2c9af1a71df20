// Mirrors Azure.Messaging.EventHubs (see README.md for version and source). Plain data holder, as the real type is.
namespace Azure.Messaging.EventHubs;

public class EventData
{
    public EventData(BinaryData eventBody)
        : this(eventBody, null, null)
    {
    }

    protected EventData(
        BinaryData eventBody,
        IDictionary<string, object>? properties = null,
        IReadOnlyDictionary<string, object>? systemProperties = null,
        long sequenceNumber = long.MinValue,
        string? offsetString = null,
        DateTimeOffset enqueuedTime = default,
        string? partitionKey = null)
    {
        EventBody = eventBody;
        Properties = properties ?? new Dictionary<string, object>();
        SystemProperties = systemProperties ?? new Dictionary<string, object>();
        SequenceNumber = sequenceNumber;
        OffsetString = offsetString!;
        EnqueuedTime = enqueuedTime;
        PartitionKey = partitionKey!;
    }

    public BinaryData EventBody { get; set; }

    public IDictionary<string, object> Properties { get; }

    public IReadOnlyDictionary<string, object> SystemProperties { get; }

    public long SequenceNumber { get; }

    public string OffsetString { get; }

    public DateTimeOffset EnqueuedTime { get; }

    public string PartitionKey { get; }

    internal static EventData Create(
        BinaryData eventBody, IDictionary<string, object>? properties, IReadOnlyDictionary<string, object>? systemProperties, string? partitionKey,
        long sequenceNumber, string? offsetString, DateTimeOffset enqueuedTime) =>
        new(eventBody, properties, systemProperties, sequenceNumber, offsetString, enqueuedTime, partitionKey);
}

public static class EventHubsModelFactory
{
    public static EventData EventData(
        BinaryData eventBody,
        IDictionary<string, object>? properties = null,
        IReadOnlyDictionary<string, object>? systemProperties = null,
        string? partitionKey = null,
        long sequenceNumber = long.MinValue,
        string? offsetString = null,
        DateTimeOffset enqueuedTime = default) =>
        EventHubs.EventData.Create(eventBody, properties, systemProperties, partitionKey, sequenceNumber, offsetString, enqueuedTime);
}
