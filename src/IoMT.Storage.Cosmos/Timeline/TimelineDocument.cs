using System.Globalization;
using System.Text.Json;
using IoMT.Core.Timeline;

namespace IoMT.Storage.Cosmos.Timeline;

/// <summary>
/// One Cosmos DB item: the timeline entries of one patient, from one ingested batch, in one calendar month (UTC), with
/// one retention. Partition key (hierarchical): [/patientId, /month]. <see cref="MinAt"/>/<see cref="MaxAt"/> bound the
/// entries' times; <see cref="Codes"/> and <see cref="Types"/> say what the item holds, so queries skip items that
/// cannot match. <see cref="Written"/> orders writes: when a fact was written again in a later batch, the later wins.
/// </summary>
internal sealed record TimelineDocument(
    string Id,
    string PatientId,
    string Month,
    DateTimeOffset MinAt,
    DateTimeOffset MaxAt,
    long Written,
    int? TimeToLiveSeconds,
    IReadOnlyList<string> Codes,
    IReadOnlyList<int> Types,
    IReadOnlyList<TimelineRecord> Entries)
{
    public const string DocumentType = "timeline";

    /// <summary>UTC, fixed width, so strings compare in time order (what Cosmos DB range queries compare).</summary>
    public static string SortableTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Id);
            writer.WriteString("patientId", PatientId);
            writer.WriteString("month", Month);
            writer.WriteString("docType", DocumentType);
            writer.WriteString("minAt", SortableTime(MinAt));
            writer.WriteString("maxAt", SortableTime(MaxAt));
            writer.WriteString("written", Written.ToString(CultureInfo.InvariantCulture));
            if (TimeToLiveSeconds is { } ttl)
            {
                writer.WriteNumber("ttl", ttl);
            }

            writer.WriteStartArray("codes");
            foreach (var code in Codes)
            {
                writer.WriteStringValue(code);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("types");
            foreach (var type in Types)
            {
                writer.WriteNumberValue(type);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("entries");
            foreach (var entry in Entries)
            {
                writer.WriteStartObject();
                writer.WriteString("id", entry.Id);
                writer.WriteString("at", entry.At.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteNumber("type", (int)entry.Type);
                writer.WriteString("code", entry.Code);
                WriteNumber(writer, "value", entry.Value);
                WriteNumber(writer, "value2", entry.Value2);
                if (entry.DeviceId is not null)
                {
                    writer.WriteString("deviceId", entry.DeviceId);
                }

                writer.WritePropertyName("data");
                writer.WriteRawValue(entry.Data);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static TimelineDocument FromJson(JsonElement item)
    {
        var patientId = item.GetProperty("patientId").GetString()!;
        var entries = new List<TimelineRecord>();
        foreach (var entry in item.GetProperty("entries").EnumerateArray())
        {
            entries.Add(new TimelineRecord(
                entry.GetProperty("id").GetString()!,
                patientId,
                DateTimeOffset.Parse(entry.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                (TimelineEntryType)entry.GetProperty("type").GetInt32(),
                entry.GetProperty("code").GetString()!,
                ReadNumber(entry, "value"),
                ReadNumber(entry, "value2"),
                entry.TryGetProperty("deviceId", out var device) ? device.GetString() : null,
                entry.GetProperty("data").GetRawText()));
        }

        return new TimelineDocument(
            item.GetProperty("id").GetString()!,
            patientId,
            item.GetProperty("month").GetString()!,
            ParseTime(item.GetProperty("minAt")),
            ParseTime(item.GetProperty("maxAt")),
            long.Parse(item.GetProperty("written").GetString()!, CultureInfo.InvariantCulture),
            item.TryGetProperty("ttl", out var ttl) ? ttl.GetInt32() : null,
            [.. item.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)],
            [.. item.GetProperty("types").EnumerateArray().Select(t => t.GetInt32())],
            entries);
    }

    private static DateTimeOffset ParseTime(JsonElement value) =>
        DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static void WriteNumber(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static double? ReadNumber(JsonElement entry, string name) => entry.TryGetProperty(name, out var value) ? value.GetDouble() : null;
}
