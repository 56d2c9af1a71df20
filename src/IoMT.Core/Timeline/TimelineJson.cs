using System.Text.Json;
using System.Text.Json.Serialization;
using IoMT.Core.Alerts;
using IoMT.Core.Enrichment;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Timeline;

/// <summary>The data of a reading entry: the reading and where it came from.</summary>
public sealed record ReadingData(Reading Reading, string DeviceId, string MessageId, int Index, DateTimeOffset ReceivedAt, string SourcePosition, GlucoseTrend? Trend);

/// <summary>
/// JSON of timeline entry data (<see cref="TimelineRecord.Data"/>): camelCase members, enums as their names (<c>LowMedium</c>), nulls
/// omitted. Source-generated, so it costs no reflection at run time.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ReadingData))]
[JsonSerializable(typeof(News2Data))]
[JsonSerializable(typeof(QuarantineRecord))]
[JsonSerializable(typeof(AlertRaised))]
[JsonSerializable(typeof(AlertCleared))]
[JsonSerializable(typeof(AlertRegraded))]
[JsonSerializable(typeof(AuditEntry))]
public sealed partial class TimelineJson : JsonSerializerContext
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, typeof(T), Default);

    public static T Deserialize<T>(string json) =>
        (T)(JsonSerializer.Deserialize(json, typeof(T), Default) ?? throw new JsonException($"Timeline data is not a {typeof(T).Name}."));
}
