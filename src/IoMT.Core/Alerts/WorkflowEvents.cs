using IoMT.Core.Telemetry;

namespace IoMT.Core.Alerts;

/// <summary>What ingestion tells the workflows (escalation and adherence). Every event has a deterministic id.</summary>
public abstract record WorkflowEvent(string PatientId, DateTimeOffset At)
{
    /// <summary>Stable across redelivery of the same readings, so workflows can ignore repeats.</summary>
    public abstract string EventId { get; }
}

/// <summary>
/// An alert episode began. <see cref="AlertId"/> identifies the episode (dedup key + episode start) and is the
/// escalation instance id; <see cref="DedupKey"/> (patient + rule) groups the episodes of one rule.
/// <c>At</c> and <c>EpisodeStart</c> are the readings' times (the device's clock: the clinical onset);
/// <c>RaisedAt</c> is when the product raised it, on its own clock, where escalation timers count from.
/// <c>Limit</c> is the threshold rule's raise limit as it was then (the patient's own limit may change later); null for
/// other rules and for alerts recorded before it was kept.
/// </summary>
public sealed record AlertRaised(
    string AlertId,
    string DedupKey,
    string PatientId,
    string RuleId,
    string Title,
    AlertPriority Priority,
    AlertCategory Category,
    AlertDirection Direction,
    DateTimeOffset At,
    DateTimeOffset EpisodeStart,
    double? Value,
    string? Code,
    string Unit,
    string ReadingId,
    DateTimeOffset? RaisedAt = null,
    double? Limit = null) : WorkflowEvent(PatientId, At)
{
    public override string EventId => AlertId + ":raised";

    /// <summary>Where escalation timers count from: <see cref="RaisedAt"/>, or the reading's time for alerts recorded before it existed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset EscalationStart => RaisedAt ?? At;
}

/// <summary>
/// The open alert of a rule family changed grade: <see cref="RuleId"/>, <see cref="Title"/> and <see cref="Priority"/>
/// are the grade now raised (NEWS2 urgent to emergency, or back). The alert keeps its id. <c>At</c> is the reading's
/// time; <see cref="RegradedAt"/> when the product received it (its own clock, which escalation runs on); <see cref="Limit"/>
/// the new grade's raise limit.
/// </summary>
public sealed record AlertRegraded(
    string AlertId,
    string DedupKey,
    string PatientId,
    string RuleId,
    string Title,
    AlertPriority Priority,
    AlertCategory Category,
    DateTimeOffset At,
    double? Value,
    string Unit,
    string ReadingId,
    DateTimeOffset RegradedAt,
    double? Limit = null) : WorkflowEvent(PatientId, At)
{
    public override string EventId => $"{AlertId}:grade:{RuleId}:{At.UtcTicks}";
}

/// <summary>Why an alert episode ended.</summary>
public enum ClearReason
{
    /// <summary>A reading met the rule's clear condition.</summary>
    ConditionCleared,

    /// <summary>The rule was disabled or removed from the patient's policy while the episode was open.</summary>
    RuleDisabled,

    /// <summary>The silent device was disabled, deleted or unbound from the patient: nobody is to be paged for it.</summary>
    DeviceRetired,
}

/// <summary>An open alert episode ended: its condition cleared, or its rule left the patient's policy.</summary>
public sealed record AlertCleared(
    string AlertId,
    string DedupKey,
    string PatientId,
    string RuleId,
    DateTimeOffset At,
    double? Value,
    string? Code,
    string Unit,
    string ReadingId,
    ClearReason Reason = ClearReason.ConditionCleared) : WorkflowEvent(PatientId, At)
{
    public override string EventId => AlertId + ":cleared";
}

/// <summary>A dispenser reported a dose event (adherence).</summary>
public sealed record DoseReported(string PatientId, DateTimeOffset At, string MedicationId, DoseEventType Event, DateTimeOffset? ScheduledFor, string ReadingId)
    : WorkflowEvent(PatientId, At)
{
    public override string EventId => ReadingId;
}

/// <summary>
/// A smart inhaler reported puffs (adherence and rescue-inhaler overuse). <c>ReceivedAt</c> is when the product received
/// them, on its own clock: an overuse alert they raise escalates from it.
/// </summary>
public sealed record InhalerActuated(string PatientId, DateTimeOffset At, string MedicationId, int Puffs, string ReadingId, DateTimeOffset? ReceivedAt = null)
    : WorkflowEvent(PatientId, At)
{
    public override string EventId => ReadingId;
}

/// <summary>Builds alert ids: <c>{patient}:{rule or family}</c> groups episodes, <c>{patient}:{rule or family}:{start}</c> is one episode.</summary>
public static class AlertIds
{
    public static string DedupKey(string patientId, string ruleId) => $"{patientId}:{ruleId}";

    public static string For(string dedupKey, DateTimeOffset episodeStart) =>
        $"{dedupKey}:{episodeStart.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}";

    /// <summary>The patient an alert id belongs to (patient ids hold no ':'), or null when it is not an alert id.</summary>
    public static string? PatientIdOf(string alertId)
    {
        ArgumentNullException.ThrowIfNull(alertId);
        var end = alertId.IndexOf(':', StringComparison.Ordinal);
        return end > 0 && Identifiers.IsValid(alertId[..end]) ? alertId[..end] : null;
    }
}
