using System.Text.Json.Serialization;
using IoMT.Core.Adherence;
using IoMT.Core.Notifications;
using IoMT.Core.Timeline;

namespace IoMT.Core.Workflows;

/// <summary>
/// Something a workflow's decision makes happen outside it: an entry on a timeline, or a notification. Shells run
/// each at least once (the local outbox, a Durable activity); <see cref="Key"/> is stable, so running one twice is
/// recorded once.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "effect")]
[JsonDerivedType(typeof(TimelineEffect), "timeline")]
[JsonDerivedType(typeof(NotifyEffect), "notify")]
public abstract record WorkflowEffect(string Key)
{
    /// <summary>Whose effect it is: a patient's effects run in the order they were decided.</summary>
    [JsonIgnore]
    public abstract string PatientId { get; }
}

public sealed record TimelineEffect(string Key, TimelineRecord Record) : WorkflowEffect(Key)
{
    public override string PatientId => Record.PatientId;
}

public sealed record NotifyEffect(string Key, Notification Notification) : WorkflowEffect(Key)
{
    public override string PatientId => Notification.PatientId;
}

/// <summary>One step of an alert's handling on the patient's timeline (code: the alert id): who did what, when.</summary>
public sealed record AlertStep(string AlertId, string Action, string Actor, DateTimeOffset At, string? Detail = null);

/// <summary>A dose's outcome on the patient's timeline (an adherence entry; code: the medication id).</summary>
public sealed record DoseOutcome(string MedicationId, DateTimeOffset? ScheduledAt, DoseStatus Status, DateTimeOffset? TakenAt);

/// <summary>Which channels dose follow-ups use, per recipient: the patient's device or app, the caregiver, the care coordinator.</summary>
public sealed record FollowUpChannels(IReadOnlyList<string> Patient, IReadOnlyList<string> Caregiver, IReadOnlyList<string> CareCoordinator)
{
    public static FollowUpChannels Default { get; } = new(["console"], ["console"], ["console"]);

    public IReadOnlyList<string> For(FollowUpTarget target) => target switch
    {
        FollowUpTarget.Patient => Patient,
        FollowUpTarget.Caregiver => Caregiver,
        _ => CareCoordinator,
    };

    /// <summary>The channels of <paramref name="target"/> that can reach it: the console reaches the care team, never a patient or caregiver.</summary>
    public IReadOnlyList<string> Reaching(FollowUpTarget target) =>
        [.. For(target).Where(channel => target == FollowUpTarget.CareCoordinator || channel != Escalation.DefaultEscalationPolicies.ConsoleChannel)];
}
