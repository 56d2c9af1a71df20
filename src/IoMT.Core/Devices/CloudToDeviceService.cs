using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>
/// Sending messages to devices, the same in every host: admins send to any device, device makers to their
/// manufacturer's; the product sends its own (medication reminders) as an actor of its own. A disabled or deleted
/// device is refused, as is a device whose queue is full. Every message sent is in the device's history.
/// </summary>
public sealed class CloudToDeviceService(IDeviceRegistry registry, ICloudToDeviceMessages queue, TimeProvider time)
{
    /// <summary>How many messages <see cref="ListAsync"/> shows, newest first.</summary>
    public const int ListSize = 100;

    /// <summary>The device history's action for a message sent to it (the detail is the message id).</summary>
    public const string SentAction = "message-sent";

    /// <summary><c>POST /devices/{id}/messages</c>.</summary>
    public async Task<ApiResult<CloudToDeviceSent>> SendAsync(Caller caller, string deviceId, CloudToDeviceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await FindManagedAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess ? await SendAsync(caller.Id, found.Value!, request, Guid.NewGuid().ToString(), cancellationToken).ConfigureAwait(false) : found.Error!;
    }

    /// <summary>
    /// A message the product itself sends (e.g. a reminder to a dispenser), as <paramref name="actor"/>; no caller rules.
    /// Its <paramref name="messageId"/> is the product's own, fixed by what the message is for: sent again, the message
    /// already in the device's record is answered, and nothing is queued or recorded twice.
    /// </summary>
    public async Task<ApiResult<CloudToDeviceSent>> SendAsync(
        string actor, string deviceId, string messageId, CloudToDeviceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        if (await queue.FindAsync(deviceId, messageId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } sent)
        {
            return new CloudToDeviceSent(sent.MessageId, sent.EnqueuedAt, sent.ExpiresAt);
        }

        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return device is null ? ApiError.NoSuchDevice(deviceId) : await SendAsync(actor, device, request, messageId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /devices/{id}/messages</c>: the newest messages with their delivery state and record.</summary>
    public async Task<ApiResult<IReadOnlyList<CloudToDeviceMessageView>>> ListAsync(Caller caller, string deviceId, CancellationToken cancellationToken = default)
    {
        var found = await FindManagedAsync(caller, deviceId, cancellationToken).ConfigureAwait(false);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var messages = await queue.ListAsync(deviceId, ListSize, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return messages.Select(CloudToDeviceMessageView.Of).ToList();
    }

    private async Task<ApiResult<CloudToDeviceSent>> SendAsync(
        string actor, DeviceRecord device, CloudToDeviceRequest request, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (device.IsDeleted)
        {
            return new ApiError(409, ApiError.DeviceDeleted, $"Device '{device.Id}' was deleted; it receives no messages.");
        }

        if (device.Status != DeviceStatus.Enabled)
        {
            return new ApiError(409, ApiError.DeviceDisabled, $"Device '{device.Id}' is disabled; enable it to send it messages.");
        }

        var now = time.GetUtcNow();
        var message = CloudToDeviceRules.Validate(request, device.Id, messageId, actor, now);
        if (!message.IsSuccess)
        {
            return message.Error!;
        }

        if (!await queue.EnqueueAsync(message.Value!, cancellationToken).ConfigureAwait(false))
        {
            return new ApiError(409, ApiError.DeviceQueueFull,
                $"Device '{device.Id}' has {CloudToDeviceRules.MaxQueueDepth} messages it has not completed yet (IoT Hub's limit); wait until it receives them or they expire.");
        }

        await registry.RecordAsync([device.Id], new DeviceChange(now, actor, SentAction, message.Value!.MessageId), cancellationToken).ConfigureAwait(false);
        return new CloudToDeviceSent(message.Value!.MessageId, message.Value.EnqueuedAt, message.Value.ExpiresAt);
    }

    /// <summary>As the device registry's rules: admins every device, device makers their manufacturer's; others none.</summary>
    private async Task<ApiResult<DeviceRecord>> FindManagedAsync(Caller caller, string deviceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.Has(Role.Admin) && !caller.Has(Role.DeviceMaker))
        {
            return ApiError.Forbid("Only admins and device makers send messages to devices and read them.");
        }

        var device = await registry.FindAsync(deviceId, cancellationToken).ConfigureAwait(false);
        return device is not null && DeviceService.CanManage(caller, device) ? device : ApiError.NoSuchDevice(deviceId);
    }
}
