using IoMT.Core.Enrichment;
using IoMT.Core.Telemetry;
using IoMT.Core.Validation;

namespace IoMT.Core.Timeline;

/// <summary>Where a message came from: shared by the entries of its readings.</summary>
public sealed record MessageSource(string DeviceId, string MessageId, DateTimeOffset ReceivedAt, string SourcePosition);

/// <summary>An accepted reading on a patient's timeline, with where it came from.</summary>
public sealed class ReadingEntry(string patientId, MessageSource source, int index, Reading reading)
{
    public string PatientId { get; } = patientId;

    public MessageSource Source { get; } = source;

    /// <summary>Position of the reading in its message's <c>readings</c>.</summary>
    public int Index { get; } = index;

    public Reading Reading { get; } = reading;

    /// <summary>CGM trend at this reading, when it is a CGM glucose with enough history.</summary>
    public GlucoseTrend? Trend { get; internal set; }

    /// <summary>
    /// Deterministic: the same device, message and index always give the same id, so a repeat changes nothing. Computed
    /// once, when first asked (patient state, alerts and the timeline record share it).
    /// </summary>
    public string Id => field ??= DeterministicId.Create("rd_", DeviceId, MessageId, Index);

    public string DeviceId => Source.DeviceId;

    public string MessageId => Source.MessageId;

    public DateTimeOffset ReceivedAt => Source.ReceivedAt;

    public string SourcePosition => Source.SourcePosition;

    public DateTimeOffset At => Reading.At;
}

/// <summary>A patient's NEWS2 when it changed, computed from their latest vitals at <see cref="At"/> (<see cref="Sources"/>).</summary>
public sealed record News2Entry(string PatientId, DateTimeOffset At, News2Result Score, IReadOnlyList<News2Source> Sources)
{
    public string Id => DeterministicId.Create("ns_", PatientId, "news2", At.UtcTicks);
}

/// <summary>A reading a NEWS2 score used, for one of its parameters (<see cref="RespiratoryRate"/>…).</summary>
public sealed record News2Source(string Parameter, string ReadingId, DateTimeOffset At)
{
    public const string RespiratoryRate = "respiratory-rate";
    public const string Spo2 = "spo2";
    public const string AirOrOxygen = "air-or-oxygen";
    public const string Systolic = "systolic";
    public const string Pulse = "pulse";
    public const string Consciousness = "consciousness";
    public const string Temperature = "temperature";
}

/// <summary>
/// A NEWS2 entry's data on the timeline: the result's fields and the readings it was computed from (none on entries
/// recorded before they were kept).
/// </summary>
public sealed record News2Data(int Total, News2Scores Scores, bool SingleParameter3, News2Band Band, bool Complete, IReadOnlyList<News2Source>? DerivedFrom = null)
{
    public static News2Data From(News2Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var score = entry.Score;
        return new(score.Total, score.Scores, score.SingleParameter3, score.Band, score.Complete, entry.Sources);
    }
}

/// <summary>
/// A rejected message or reading, kept with its reason so nothing is lost and it can be replayed after a fix.
/// <see cref="ReadingIndex"/> is −1 when the whole message was rejected; <see cref="Raw"/> is then the whole body.
/// </summary>
public sealed record QuarantineRecord(
    string DeviceId,
    string? PatientId,
    string? MessageId,
    int ReadingIndex,
    DateTimeOffset ReceivedAt,
    string SourcePosition,
    ValidationError Error,
    RawPayload Raw)
{
    public string Id => DeterministicId.Create("qr_", DeviceId, SourcePosition, ReadingIndex);
}

/// <summary>Rejected bytes: UTF-8 text when they are valid UTF-8, otherwise base64 so no byte is lost.</summary>
public sealed record RawPayload(string Content, bool IsBase64)
{
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static RawPayload From(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new RawPayload(StrictUtf8.GetString(bytes), false);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return new RawPayload(Convert.ToBase64String(bytes), true);
        }
    }

    public byte[] ToBytes() => IsBase64 ? Convert.FromBase64String(Content) : StrictUtf8.GetBytes(Content);
}

/// <summary>Who did what to a patient's record, e.g. exported it; kept on the patient's own timeline.</summary>
public sealed record AuditEntry(string PatientId, DateTimeOffset At, string Actor, string Action, string Detail)
{
    public string Id => DeterministicId.Create("au_", PatientId, Actor, Action, At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture), Detail);
}
