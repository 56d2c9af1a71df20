using System.Text;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Validation;

/// <summary>Runs the parser on text or bytes with the defaults tests assume.</summary>
internal static class ParserHarness
{
    public static readonly DateTimeOffset ReceivedAt = TelemetryMessage.DefaultTime.AddSeconds(10);

    public static (MessageEnvelope Envelope, List<ReadingResult> Readings) Parse(
        string json, string? authenticatedDeviceId = "oximeter-0042", IngestionOptions? options = null, DateTimeOffset? receivedAt = null) =>
        Parse(Encoding.UTF8.GetBytes(json), authenticatedDeviceId, options, receivedAt);

    public static (MessageEnvelope Envelope, List<ReadingResult> Readings) Parse(
        byte[] body, string? authenticatedDeviceId = "oximeter-0042", IngestionOptions? options = null, DateTimeOffset? receivedAt = null)
    {
        var readings = new List<ReadingResult>();
        var envelope = TelemetryParser.Parse(body, authenticatedDeviceId, receivedAt ?? ReceivedAt, options ?? new IngestionOptions(), readings);
        return (envelope, readings);
    }

    /// <summary>Parses a message holding one reading and returns that reading's result.</summary>
    public static ReadingResult ParseReading(string readingJson, DateTimeOffset? receivedAt = null)
    {
        var json = $$"""{"schema":"iomt.telemetry/1","messageId":"m-1","deviceId":"oximeter-0042","sentAt":"2026-11-21T08:30:05Z","readings":[{{readingJson}}]}""";
        var (envelope, readings) = Parse(json, receivedAt: receivedAt);
        Assert.Null(envelope.Error);
        return Assert.Single(readings);
    }
}
