namespace IoMT.Core.Timeline;

/// <summary>What a timeline entry is. Stored as its number: add types at the end, never renumber.</summary>
public enum TimelineEntryType
{
    Reading = 0,
    News2 = 1,
    Quarantine = 2,
    AlertRaised = 3,
    AlertCleared = 4,
    Acknowledgement = 5,
    Resolution = 6,
    Snooze = 7,
    Note = 8,
    Escalation = 9,
    Notification = 10,
    Adherence = 11,
    Audit = 12,
    AlertRegraded = 13,
}

public static class TimelineEntryTypes
{
    /// <summary>
    /// Entries ingestion derives from messages (readings, NEWS2, quarantine, alert episodes): processing the ingestion
    /// log again rebuilds them. Everything else (acknowledgements, notes, escalation steps, notifications, audit) is
    /// recorded once and nothing can rebuild it, so stores commit it with full durability. Alert regrades, though derived,
    /// are numbered after the types recorded once, which stores index by number, so they are stored as recorded once:
    /// their ids are deterministic all the same, and they are rare.
    /// </summary>
    public static bool IsRebuildable(this TimelineEntryType type) =>
        type is TimelineEntryType.Reading or TimelineEntryType.News2 or TimelineEntryType.Quarantine
            or TimelineEntryType.AlertRaised or TimelineEntryType.AlertCleared;
}

/// <summary>
/// One entry of a patient's timeline as every store keeps it: a deterministic <see cref="Id"/> (the same fact always
/// gets the same id, so writing it again changes nothing), the patient, the instant, the type, a <see cref="Code"/>
/// (the reading kind, the alert rule, the error code…), up to two numbers for charts and aggregates (a reading's value;
/// systolic and diastolic), the device when there is one, and the entry itself as JSON (<see cref="Data"/>).
/// </summary>
public sealed record TimelineRecord(
    string Id,
    string PatientId,
    DateTimeOffset At,
    TimelineEntryType Type,
    string Code,
    double? Value,
    double? Value2,
    string? DeviceId,
    string Data)
{
    /// <summary>The timeline a quarantined message belongs to when no patient is known: its device's.</summary>
    public static string UnassignedTimeline(string deviceId) => "device:" + deviceId;
}

/// <summary>
/// Which entries to return: one patient, the half-open interval [<see cref="From"/>, <see cref="To"/>), optionally only
/// some types and codes, in time order (oldest first), a page at a time.
/// </summary>
public sealed record TimelineQuery(
    string PatientId,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyCollection<TimelineEntryType>? Types = null,
    IReadOnlyCollection<string>? Codes = null,
    int PageSize = 100,
    string? ContinuationToken = null)
{
    public const int MaxPageSize = 1000;
}

/// <summary>A page of entries and the token for the next page (null on the last page).</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineRecord> Items, string? ContinuationToken);

/// <summary>Statistics of one code's values in one time bucket [<see cref="Start"/>, Start + bucket size).</summary>
public sealed record AggregateBucket(DateTimeOffset Start, int Count, double Min, double Max, double Average);

/// <summary>How long each type of entry is kept.</summary>
public sealed record RetentionPolicy(IReadOnlyDictionary<TimelineEntryType, TimeSpan> KeepFor)
{
    /// <summary>Clinical data (readings, scores, alerts and their handling) 10 years; technical detail shorter.</summary>
    public static RetentionPolicy Default { get; } = new(new Dictionary<TimelineEntryType, TimeSpan>
    {
        [TimelineEntryType.Quarantine] = TimeSpan.FromDays(90),
        [TimelineEntryType.Notification] = TimeSpan.FromDays(365),
    });

    public static readonly TimeSpan ClinicalRecordRetention = TimeSpan.FromDays(3653);

    public TimeSpan For(TimelineEntryType type) => KeepFor.TryGetValue(type, out var keep) ? keep : ClinicalRecordRetention;
}
