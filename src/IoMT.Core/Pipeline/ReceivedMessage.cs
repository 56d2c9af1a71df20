namespace IoMT.Core.Pipeline;

/// <summary>
/// A device message as the transport delivered it (an Event Hubs event, a local log record): the body, the device
/// identity the transport authenticated, when it was received, and a position in the source that identifies this
/// delivery (e.g. partition + sequence number) and stays the same when it is delivered again.
/// </summary>
public sealed record ReceivedMessage(ReadOnlyMemory<byte> Body, string? AuthenticatedDeviceId, DateTimeOffset ReceivedAt, string SourcePosition)
{
    /// <summary>
    /// The message's application properties as the transport carried them (IoT Hub's <c>iothub-creation-time-utc</c>
    /// among them), which mapping templates read as <c>$.Properties</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }

    /// <summary>The transport's own message id (IoT Hub <c>message-id</c>), when the device set one.</summary>
    public string? TransportMessageId { get; init; }
}
