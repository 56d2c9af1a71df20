using IoMT.Core.Devices;
using IoMT.Core.Notifications;

namespace IoMT.Notifications;

/// <summary>
/// The <c>device</c> channel: a medication reminder or missed-dose follow-up goes to the patient's bound devices that can
/// act on it (<see cref="DeviceReminders"/>) as a cloud-to-device message. Queued is not delivered: the delivery is
/// recorded as queued, then as delivered when a device completes its message, failed when the devices rejected it or let
/// it expire. No enabled device bound to the patient that can act on it: undeliverable, and the follow-up's next step
/// takes over. A notification redelivered is not queued again: each device's message has an id fixed by the delivery.
/// </summary>
public sealed class DeviceChannel(IDeviceRegistry registry, CloudToDeviceService messages, DeviceDeliveryRecorder recorder, TimeProvider time)
    : IQueuingNotificationChannel
{
    public bool Serves(string channel) => channel == DeviceReminders.Channel;

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken) => QueueAsync(channel, notification, cancellationToken);

    public async Task<IReadOnlyList<DeviceDelivery>> QueueAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (await recorder.FindAsync(notification.Key, channel, cancellationToken).ConfigureAwait(false) is { } queued)
        {
            return queued.Outcome.Devices ?? [];
        }

        var now = time.GetUtcNow();
        var (request, refusal) = DeviceReminders.Request(notification, channel, now);
        if (request is null)
        {
            throw new PermanentDeliveryException(refusal!);
        }

        var kind = DeviceReminders.ReadingKindFor(notification.Dose!.MedicationKind);
        var devices = kind is null ? [] : await BoundDevicesAsync(notification.PatientId, kind, now, cancellationToken).ConfigureAwait(false);
        if (devices.Count == 0)
        {
            throw new PermanentDeliveryException(kind is null
                ? $"No device acts on a medication of kind {notification.Dose.MedicationKind}."
                : $"Patient {notification.PatientId} has no enabled device bound that records '{kind}'.");
        }

        var deliveries = new List<DeviceDelivery>();
        var refusals = new List<string>();
        foreach (var device in devices)
        {
            var messageId = DeviceReminders.MessageId(request.CorrelationId!, device.Id);
            var sent = await messages.SendAsync(DeviceReminders.Actor, device.Id, messageId, request, cancellationToken).ConfigureAwait(false);
            if (sent.IsSuccess)
            {
                deliveries.Add(new DeviceDelivery(device.Id, sent.Value!.MessageId, CloudToDeviceStatus.Queued));
            }
            else
            {
                refusals.Add($"{device.Id}: {sent.Error!.Detail}");
            }
        }

        return deliveries.Count > 0 ? deliveries : throw new PermanentDeliveryException("No device took the message: " + string.Join("; ", refusals));
    }

    public Task RecordQueuedAsync(string patientId, DeliveryOutcome outcome, CancellationToken cancellationToken) =>
        recorder.RecordQueuedAsync(patientId, outcome, cancellationToken);

    /// <summary>The enabled devices bound to the patient now that record <paramref name="kind"/>.</summary>
    private async Task<List<DeviceRecord>> BoundDevicesAsync(string patientId, string kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = new List<DeviceRecord>();
        var filter = new DeviceFilter(Status: DeviceStatus.Enabled, Kind: kind, PatientId: patientId);
        do
        {
            var page = await registry.ListAsync(filter, cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Items.Where(d => !d.IsDeleted && d.Kinds.Contains(kind, StringComparer.Ordinal) && BindingHistory.PatientAt(d.Bindings, now) == patientId));
            filter = filter with { ContinuationToken = page.ContinuationToken };
        }
        while (filter.ContinuationToken is not null);
        return found;
    }
}
