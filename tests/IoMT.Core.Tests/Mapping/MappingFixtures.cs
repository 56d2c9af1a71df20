using System.Text.Json;
using IoMT.Core.Mapping;
using IoMT.Core.Pipeline;
using IoMT.Core.Validation;
using IoMT.Testing;

namespace IoMT.Core.Tests.Mapping;

/// <summary>Loads the mapping fixtures (realistic third-party payloads and their mappings) and maps them.</summary>
internal static class MappingFixtures
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 21, 8, 30, 10, TimeSpan.Zero);

    public static DeviceMapping Load(string name)
    {
        var load = DeviceMapping.Load(File.ReadAllText(TestFixtures.PathOf("mappings", name + ".mapping.json")));
        Assert.True(load.IsValid, string.Join(Environment.NewLine, load.Errors));
        return load.Mapping!;
    }

    public static ReceivedMessage Message(string name, string? deviceId, IReadOnlyDictionary<string, string>? properties = null) =>
        new(TestFixtures.Read("mappings", name + ".message.json"), deviceId, ReceivedAt, "0:1") { Properties = properties };

    public static MappedMessage Map(string mapping, string message, string? deviceId, IReadOnlyDictionary<string, string>? properties = null) =>
        Load(mapping).Map(Message(message, deviceId, properties), new IngestionOptions());

    /// <summary>The readings of a mapped message as JSON elements.</summary>
    public static JsonElement[] Readings(MappedMessage mapped)
    {
        Assert.Null(mapped.Rejection);
        using var document = JsonDocument.Parse(mapped.Body);
        return [.. document.RootElement.GetProperty("readings").EnumerateArray().Select(r => r.Clone())];
    }

    /// <summary>Runs a mapped message through the contract's parser: what validation makes of it.</summary>
    public static (MessageEnvelope Envelope, List<ReadingResult> Readings) Validate(MappedMessage mapped, string? deviceId)
    {
        var readings = new List<ReadingResult>();
        var envelope = TelemetryParser.Parse(mapped.Body, deviceId, ReceivedAt, new IngestionOptions(), readings);
        return (envelope, readings);
    }
}
