using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Adherence;
using IoMT.Core.Devices;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;

namespace IoMT.Core.Notifications;

/// <summary>
/// The <c>device</c> channel's rules: a medication follow-up goes to the patient's bound devices that can act on it (a
/// pill dispenser, reading kind <c>doseEvent</c>, for scheduled medications; a smart inhaler, <c>inhalerActuation</c>,
/// for controller inhalers) as a cloud-to-device message of a few fields and no personal data. Queued is not delivered:
/// the delivery is delivered when a device completes its message, failed when every device rejected it or let it expire.
/// </summary>
public static class DeviceReminders
{
    public const string Channel = "device";

    /// <summary>Who the messages are from, in the device's queue and history.</summary>
    public const string Actor = "workflow:adherence";

    /// <summary>The <c>type</c> of the payload and of the application property of the same name.</summary>
    public const string MessageType = "medication-reminder";

    /// <summary>The reading kind of the devices that act on a medication of <paramref name="kind"/>; null when none does (rescue inhalers have no doses).</summary>
    public static string? ReadingKindFor(MedicationKind kind) => kind switch
    {
        MedicationKind.Scheduled => "doseEvent",
        MedicationKind.ControllerInhaler => "inhalerActuation",
        _ => null,
    };

    /// <summary>The delivery record's id, which is also the messages' correlation id: it ties every device's message to the notification.</summary>
    public static string CorrelationId(string notificationKey, string channel) => DeterministicId.Create("nt_", notificationKey, channel);

    /// <summary>The message's id for one device: fixed by the delivery, so a notification sent again is recognized (and the device can tell a resend).</summary>
    public static string MessageId(string correlationId, string deviceId) => DeterministicId.Create("c2d_", correlationId, deviceId);

    /// <summary>
    /// The message for <paramref name="notification"/> as of <paramref name="now"/>, or why there is none (a notification
    /// that is not a dose follow-up, a dose taken late, a dose whose time to act has passed). Its time to live runs
    /// until the dose's <see cref="NotificationDose.RespondBy"/> (at most IoT Hub's 48 hours).
    /// </summary>
    public static (CloudToDeviceRequest? Request, string? Refusal) Request(Notification notification, string channel, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Dose is not { } dose)
        {
            return (null, "The device channel carries medication reminders and missed-dose follow-ups only.");
        }

        if (notification.Kind != NotificationKind.DoseMissed)
        {
            return (null, "A dose taken late needs nothing from the patient's device.");
        }

        var ttl = Math.Ceiling((dose.RespondBy - now).TotalSeconds);
        if (ttl < 1)
        {
            return (null, $"The time to act on the dose of {dose.MedicationId} due {Validation.Rfc3339.Format(dose.ScheduledAt)} has passed.");
        }

        var kind = dose.Target == FollowUpTarget.Patient ? "reminder" : "missed-dose";
        var payload = new JsonObject
        {
            ["type"] = MessageType,
            ["kind"] = kind,
            ["medicationId"] = dose.MedicationId,
            ["dueAt"] = Validation.Rfc3339.Format(dose.ScheduledAt),
            ["respondBy"] = Validation.Rfc3339.Format(dose.RespondBy),
        };
        var properties = new Dictionary<string, string?>(StringComparer.Ordinal) { ["type"] = MessageType, ["kind"] = kind, ["medicationId"] = dose.MedicationId };
        var seconds = (int)Math.Min(ttl, CloudToDeviceRules.MaxTimeToLive.TotalSeconds);
        return (new CloudToDeviceRequest(JsonSerializer.SerializeToElement(payload), CorrelationId(notification.Key, channel), properties, seconds), null);
    }

    /// <summary>
    /// <paramref name="queued"/> brought up to date with its devices' messages (null: gone from the queue, counted as
    /// expired): delivered once any device completed its message, failed once every one finished without completing,
    /// queued meanwhile. The record keeps its time (when it was queued); each device's part has its own.
    /// </summary>
    public static DeliveryOutcome Settle(DeliveryOutcome queued, IReadOnlyList<CloudToDeviceMessage?> messages)
    {
        ArgumentNullException.ThrowIfNull(queued);
        ArgumentNullException.ThrowIfNull(messages);
        var parts = queued.Devices ?? [];
        var devices = new List<DeviceDelivery>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            var message = i < messages.Count ? messages[i] : null;
            devices.Add(message switch
            {
                null when part.SettledAt is null => part with { Status = CloudToDeviceStatus.Expired },
                null => part,
                { IsPending: true } => part with { Status = message.Status },
                _ => part with { Status = message.Status, SettledAt = message.Events.Count > 0 ? message.Events[^1].At : part.SettledAt },
            });
        }

        var status = devices.Any(d => d.Status == CloudToDeviceStatus.Completed) ? DeliveryStatus.Delivered
            : devices.Any(d => d.Status is CloudToDeviceStatus.Queued or CloudToDeviceStatus.Delivered) ? DeliveryStatus.Queued
            : DeliveryStatus.Failed;
        var error = status == DeliveryStatus.Failed
            ? string.Join("; ", devices.Select(d => $"{Describe(d.Status)} by device {d.DeviceId} at {Validation.Rfc3339.Format(d.SettledAt ?? queued.At)}"))
            : null;
        return queued with { Status = status, Error = error, Devices = devices };
    }

    /// <summary>Whether two outcomes of one delivery say the same (records hold lists, compared by reference).</summary>
    public static bool SameAs(DeliveryOutcome a, DeliveryOutcome b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Status == b.Status && a.Error == b.Error && (a.Devices ?? []).SequenceEqual(b.Devices ?? []);
    }

    private static string Describe(CloudToDeviceStatus status) => status switch
    {
        CloudToDeviceStatus.Rejected => "rejected",
        CloudToDeviceStatus.DeadLettered => "abandoned too often (dead-lettered)",
        CloudToDeviceStatus.Purged => "purged from the queue",
        _ => "not completed before it expired",
    };
}

/// <summary>A delivery through the <c>device</c> channel as the recorder keeps it until every device settled it.</summary>
public sealed record PendingDeviceDelivery(string Id, string PatientId, DeliveryOutcome Outcome)
{
    public bool IsPending => Outcome.Status == DeliveryStatus.Queued;
}

/// <summary>The <c>device</c> channel's deliveries (SQLite locally, Cosmos DB in Azure), durable before each call returns.</summary>
public interface IDeviceDeliveryStore
{
    /// <summary>Adds or replaces the delivery with this id.</summary>
    Task SaveAsync(PendingDeviceDelivery delivery, CancellationToken cancellationToken = default);

    Task<PendingDeviceDelivery?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The deliveries still queued, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<PendingDeviceDelivery>> ListPendingAsync(int max, CancellationToken cancellationToken = default);
}

/// <summary>
/// Records deliveries through the <c>device</c> channel on the patient's timeline, as the dispatcher records the other
/// channels (one record per notification and channel, replaced as it changes): queued when the messages are queued, then
/// delivered when a device completes its message, failed when every device rejected it or it expired. The queue's settle
/// path calls <see cref="SettledAsync"/>; a periodic <see cref="RefreshAsync"/> catches expiries (which happen by time,
/// not by a call) and anything a crash left unrecorded. One record is written at a time.
/// </summary>
public sealed class DeviceDeliveryRecorder(IDeviceDeliveryStore deliveries, ICloudToDeviceMessages messages, ITimelineStore timelines, TimeProvider time)
    : IDisposable
{
    /// <summary>How many queued deliveries one <see cref="RefreshAsync"/> looks at.</summary>
    public const int RefreshBatch = 500;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<PendingDeviceDelivery?> FindAsync(string notificationKey, string channel, CancellationToken cancellationToken = default) =>
        deliveries.FindAsync(DeviceReminders.CorrelationId(notificationKey, channel), cancellationToken);

    /// <summary>Records a delivery just queued (once: a redelivered notification leaves the record as it is) and brings it up to date.</summary>
    public async Task RecordQueuedAsync(string patientId, DeliveryOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var id = DeviceReminders.CorrelationId(outcome.Key, outcome.Channel);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entry = await deliveries.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                entry = new PendingDeviceDelivery(id, patientId, outcome);
                await deliveries.SaveAsync(entry, cancellationToken).ConfigureAwait(false);
                await UpdateAsync(entry, always: true, cancellationToken).ConfigureAwait(false);
            }
            else if (entry.IsPending)
            {
                await UpdateAsync(entry, always: false, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A device settled <paramref name="message"/>: records it on its delivery, if the message is one of this channel's.</summary>
    public async Task SettledAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EnqueuedBy != DeviceReminders.Actor || message.CorrelationId is null)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await deliveries.FindAsync(message.CorrelationId, cancellationToken).ConfigureAwait(false) is { IsPending: true } entry)
            {
                await UpdateAsync(entry, always: false, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Brings every queued delivery up to date (expired messages); returns how many records changed.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var changed = 0;
            foreach (var entry in await deliveries.ListPendingAsync(RefreshBatch, cancellationToken).ConfigureAwait(false))
            {
                changed += await UpdateAsync(entry, always: false, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            return changed;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>The timeline first, then the store: a crash in between is repaired by the next refresh (the record's id is fixed).</summary>
    private async Task<bool> UpdateAsync(PendingDeviceDelivery entry, bool always, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = new List<CloudToDeviceMessage?>();
        foreach (var device in entry.Outcome.Devices ?? [])
        {
            current.Add(await messages.FindAsync(device.DeviceId, device.MessageId, now, cancellationToken).ConfigureAwait(false));
        }

        var settled = DeviceReminders.Settle(entry.Outcome, current);
        if (!always && DeviceReminders.SameAs(settled, entry.Outcome))
        {
            return false;
        }

        await timelines.AppendAsync(entry.Id, [WorkflowEffects.DeliveryRecord(entry.PatientId, settled)], cancellationToken).ConfigureAwait(false);
        await deliveries.SaveAsync(entry with { Outcome = settled }, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
