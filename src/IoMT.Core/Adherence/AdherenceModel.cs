using IoMT.Core.Alerts;

namespace IoMT.Core.Adherence;

public enum DoseStatus
{
    Pending,
    Taken,
    TakenLate,
    Missed,
    Skipped,

    /// <summary>Taken with no scheduled dose to match (an extra dose).</summary>
    Unscheduled,
}

/// <summary>One scheduled dose. <see cref="FollowUps"/> counts the follow-ups sent: 1 reminder, 2 caregiver, 3 coordinator.</summary>
public sealed record Dose(DateTimeOffset ScheduledAt, DoseStatus Status = DoseStatus.Pending, int FollowUps = 0, DateTimeOffset? TakenAt = null)
{
    public bool IsTaken => Status is DoseStatus.Taken or DoseStatus.TakenLate;
}

public sealed record RescuePuffs(DateTimeOffset At, int Puffs, string ReadingId, DateTimeOffset? ReceivedAt = null);

/// <summary>
/// One medication of one patient: its schedule (a snapshot: a new schedule starts a new state), the doses from the last
/// 24 hours and those still open, rescue puffs of the last 24 hours, the latest readings counted, the next wake-up.
/// </summary>
public sealed record AdherenceState
{
    public required MedicationSchedule Schedule { get; init; }

    /// <summary>Scheduled doses before this instant are in <see cref="Doses"/> (or were closed and dropped).</summary>
    public required DateTimeOffset ScheduledUntil { get; init; }

    public IReadOnlyList<Dose> Doses { get; init; } = [];

    public IReadOnlyList<RescuePuffs> Puffs { get; init; } = [];

    /// <summary>The rescue-inhaler overuse alert, while open.</summary>
    public AlertRaised? Overuse { get; init; }

    /// <summary>The latest reading ids counted (redelivered readings change nothing).</summary>
    public IReadOnlyList<string> SeenReadings { get; init; } = [];

    public DateTimeOffset? WakeAt { get; init; }
}

/// <summary>What the adherence workflow hears: time passing (its wake-up), and the patient's doses and puffs.</summary>
public abstract record AdherenceInput(DateTimeOffset At);

public sealed record AdherenceTick(DateTimeOffset At) : AdherenceInput(At);

public sealed record DoseInput(DoseReported Dose) : AdherenceInput(Dose.At);

public sealed record InhalerInput(InhalerActuated Actuation) : AdherenceInput(Actuation.At);

public enum FollowUpTarget
{
    Patient,
    Caregiver,
    CareCoordinator,
}

public enum FollowUpKind
{
    /// <summary>The dose window closed without a dose: a reminder (patient) or a missed dose (caregiver, coordinator).</summary>
    DoseMissed,

    /// <summary>A dose someone was told about was taken after all.</summary>
    DoseTakenLate,
}

public abstract record AdherenceCommand(string IdempotencyKey);

/// <summary>Tell someone about a dose: the patient (device or app), then the caregiver, then the care coordinator.</summary>
public sealed record SendFollowUp(string IdempotencyKey, string PatientId, string MedicationId, DateTimeOffset ScheduledAt, FollowUpTarget Target, FollowUpKind Kind)
    : AdherenceCommand(IdempotencyKey);

/// <summary>
/// A follow-up that no configured channel can take to its target (the console reaches the care team, never a patient or
/// caregiver): recorded as undeliverable with <see cref="Reason"/>, and the next level takes over at once.
/// </summary>
public sealed record FollowUpUndeliverable(
    string IdempotencyKey, string PatientId, string MedicationId, DateTimeOffset ScheduledAt, FollowUpTarget Target, FollowUpKind Kind, DateTimeOffset At, string Reason)
    : AdherenceCommand(IdempotencyKey);

/// <summary>A dose's outcome for the timeline (an adherence entry); the same dose and status always has the same key.</summary>
public sealed record RecordDose(string IdempotencyKey, string PatientId, string MedicationId, DateTimeOffset? ScheduledAt, DoseStatus Status, DateTimeOffset? TakenAt)
    : AdherenceCommand(IdempotencyKey);

/// <summary>Start or end an alert episode (rescue-inhaler overuse), escalated like any other alert.</summary>
public sealed record PublishAlertEvent(string IdempotencyKey, WorkflowEvent Event) : AdherenceCommand(IdempotencyKey);

/// <summary>Wake the workflow at <see cref="Due"/> (replaces any earlier wake-up).</summary>
public sealed record ScheduleWakeUp(string IdempotencyKey, DateTimeOffset Due) : AdherenceCommand(IdempotencyKey);

public sealed record AdherenceDecision(AdherenceState State, IReadOnlyList<AdherenceCommand> Commands);
