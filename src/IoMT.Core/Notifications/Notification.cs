using IoMT.Core.Alerts;

namespace IoMT.Core.Notifications;

/// <summary>What a notification is about.</summary>
public enum NotificationKind
{
    /// <summary>An alert needs the recipients (an escalation level was reached).</summary>
    AlertTriggered,

    AlertAcknowledged,

    AlertResolved,

    /// <summary>A scheduled dose was not taken (a reminder, or telling the caregiver or coordinator).</summary>
    DoseMissed,

    /// <summary>A dose someone was told about was taken after all.</summary>
    DoseTakenLate,
}

/// <summary>
/// One notification, for every channel it goes to. <see cref="Key"/> is the workflow's idempotency key: channels that
/// deduplicate (PagerDuty, webhooks) receive it, and each delivery is recorded once under it. <see cref="Subject"/>
/// is the id the episode is known by outside (the alert id, or patient + medication + dose time), so a channel can
/// thread or acknowledge it. The text carries the patient's id and the alert's title, never readings or names:
/// recipients open the console for the details.
/// </summary>
public sealed record Notification(
    string Key,
    NotificationKind Kind,
    string PatientId,
    string Subject,
    string Title,
    AlertPriority Priority,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> Channels,
    DateTimeOffset At,
    NotificationDose? Dose = null)
{
    /// <summary>One line for people: what happened, to whom it goes.</summary>
    public string Text => Kind switch
    {
        NotificationKind.AlertTriggered => $"[{Priority}] {Title} — patient {PatientId}",
        NotificationKind.AlertAcknowledged => $"Acknowledged: {Title} — patient {PatientId}",
        NotificationKind.AlertResolved => $"Resolved: {Title} — patient {PatientId}",
        NotificationKind.DoseMissed => $"Dose not taken: {Title} — patient {PatientId}",
        _ => $"Dose taken late: {Title} — patient {PatientId}",
    };
}

/// <summary>
/// The dose a follow-up is about, for channels that act on it (a reminder on the patient's dispenser or inhaler): the
/// medication, its kind, when it was due, who the follow-up is for, and until when acting on it makes sense
/// (<see cref="RespondBy"/>: for the patient's reminder, the end of the grace period; for a missed dose, the next dose).
/// </summary>
public sealed record NotificationDose(
    string MedicationId, Adherence.MedicationKind MedicationKind, DateTimeOffset ScheduledAt, Adherence.FollowUpTarget Target, DateTimeOffset RespondBy);

/// <summary>How a delivery ended.</summary>
public enum DeliveryStatus
{
    Delivered,
    Failed,

    /// <summary>No channel of that name is configured.</summary>
    NotConfigured,

    /// <summary>Queued for devices (the <c>device</c> channel): not delivered until a device completes it.</summary>
    Queued,

    /// <summary>The channel reaches none of the recipients (the console reaches no patient or caregiver): nobody was told.</summary>
    Undeliverable,
}

/// <summary>
/// One device's part of a queued delivery: the cloud-to-device message queued for it and where it is
/// (<see cref="Devices.CloudToDeviceStatus"/>); <see cref="SettledAt"/> when the device completed or rejected it, or it
/// expired or was dead-lettered.
/// </summary>
public sealed record DeviceDelivery(string DeviceId, string MessageId, Devices.CloudToDeviceStatus Status, DateTimeOffset? SettledAt = null);

/// <summary>One channel's delivery of a notification, as recorded on the patient's timeline.</summary>
public sealed record DeliveryOutcome(
    string Key,
    string Subject,
    NotificationKind Kind,
    string Channel,
    IReadOnlyList<string> Recipients,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset At,
    string? Error = null,
    IReadOnlyList<DeviceDelivery>? Devices = null);

/// <summary>Sends notifications through their channels and records each delivery's outcome (at least once, recorded once).</summary>
public interface INotifier
{
    Task NotifyAsync(Notification notification, CancellationToken cancellationToken = default);
}
