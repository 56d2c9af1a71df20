using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using Microsoft.Azure.Functions.Worker;

namespace IoMT.Functions.Devices;

/// <summary>
/// Every minute: records IoT Hub's feedback on the messages the app sent (for up to <see cref="Budget"/>, so one run
/// ends before the next is due), then brings the <c>device</c> channel's queued deliveries up to date (messages whose
/// feedback can no longer arrive). A batch is completed only once recorded; a failed run leaves the rest with IoT Hub
/// for the next one.
/// </summary>
public sealed class CloudToDeviceFeedbackFunction(CloudToDeviceFeedbackDrain feedback, DeviceDeliveryRecorder deliveries)
{
    public const string Schedule = "30 * * * * *";

    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(40);

    [Function("CloudToDeviceFeedback")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        await feedback.DrainAsync(Budget, cancellationToken).ConfigureAwait(false);
        await deliveries.RefreshAsync(cancellationToken).ConfigureAwait(false);
    }
}
