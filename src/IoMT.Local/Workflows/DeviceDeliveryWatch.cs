using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Core.Notifications;

namespace IoMT.Local.Workflows;

/// <summary>
/// Every <see cref="Every"/>, brings the <c>device</c> channel's queued deliveries up to date: messages that expired
/// (time runs out without a call), and any settlement a crash left unrecorded. Completions and rejections are recorded
/// as the device settles (<see cref="RecordingCloudToDeviceStore"/>).
/// </summary>
public sealed partial class DeviceDeliveryWatch(DeviceDeliveryRecorder recorder, TimeProvider time, ILogger<DeviceDeliveryWatch> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await recorder.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.RefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Bringing device deliveries up to date failed; it runs again at the next tick")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}

/// <summary>
/// The cloud-to-device queue, telling the <see cref="DeviceDeliveryRecorder"/> of every message a device settles (over
/// HTTPS or MQTT), so a completion is on the notification's record when the device's call returns. A failure to record
/// does not fail the device's call: the message is settled, and the watch records it at its next tick.
/// </summary>
public sealed partial class RecordingCloudToDeviceStore(ICloudToDeviceStore inner, DeviceDeliveryRecorder recorder, ILogger<RecordingCloudToDeviceStore> logger)
    : ICloudToDeviceStore
{
    public Task<bool> EnqueueAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default) => inner.EnqueueAsync(message, cancellationToken);

    public Task<CloudToDeviceMessage?> ReceiveAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.ReceiveAsync(deviceId, now, cancellationToken);

    public async Task<ApiResult<CloudToDeviceMessage>> SettleAsync(
        string deviceId, string lockToken, CloudToDeviceSettlement settlement, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var settled = await inner.SettleAsync(deviceId, lockToken, settlement, now, cancellationToken).ConfigureAwait(false);
        if (settled is { IsSuccess: true, Value.IsPending: false })
        {
            try
            {
                await recorder.SettledAsync(settled.Value, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.RecordFailed(logger, deviceId, e);
            }
        }

        return settled;
    }

    public Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.FindAsync(deviceId, messageId, now, cancellationToken);

    public Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.ListAsync(deviceId, max, now, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the settlement of a message to device {DeviceId} failed; the delivery watch records it later")]
        public static partial void RecordFailed(ILogger logger, string deviceId, Exception exception);
    }
}
