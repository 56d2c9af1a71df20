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

    /// <summary>
    /// The channels of <paramref name="target"/> that can reach it: the console reaches the care team, never a patient or
    /// caregiver; the <c>caregiver</c> channel reaches the caregiver when <paramref name="caregivers"/> says the patient's
    /// profile names one it can reach (null: not known, so it reaches nobody).
    /// </summary>
    public IReadOnlyList<string> Reaching(FollowUpTarget target, CaregiverReach? caregivers = null) =>
        [.. For(target).Where(channel => Unreached(target, channel, caregivers) is null)];

    /// <summary>Why none of <paramref name="target"/>'s channels reaches it, naming each channel's reason.</summary>
    public string Unreachable(FollowUpTarget target, CaregiverReach? caregivers)
    {
        var reasons = For(target).Select(channel => Unreached(target, channel, caregivers)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return $"No channel reaches the {target.ToString().ToLowerInvariant()}: {(reasons.Count == 0 ? "none configured" : string.Join("; ", reasons))}.";
    }

    /// <summary>Why <paramref name="channel"/> cannot reach <paramref name="target"/>; null when it can.</summary>
    private static string? Unreached(FollowUpTarget target, string channel, CaregiverReach? caregivers) => channel switch
    {
        Escalation.DefaultEscalationPolicies.ConsoleChannel when target != FollowUpTarget.CareCoordinator => "console reaches the care team only",
        CaregiverReach.Channel when target != FollowUpTarget.Caregiver => "caregiver reaches the patient's caregivers only",
        CaregiverReach.Channel when caregivers is null => "caregiver: the patient's caregivers could not be looked up",
        CaregiverReach.Channel when !caregivers.Reachable =>
            "caregiver: the patient's profile names no caregiver with an e-mail address, SMS number or https webhook this host can use",
        _ => null,
    };
}
