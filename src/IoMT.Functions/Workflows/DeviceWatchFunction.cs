using IoMT.Core.Alerts;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Workflows;

/// <summary>
/// Every minute: raises <c>device-silent</c> for watched devices that went quiet and ends it for those heard again.
/// A missed run changes nothing but the delay: the next one sees the same silence (its alert id is fixed by when it began).
/// </summary>
public sealed class DeviceWatchFunction(DeviceSilenceWatch watch, DurableWorkflows workflows)
{
    public const string Schedule = "0 * * * * *";

    [Function("DeviceWatch")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var events = await watch.CheckAsync(cancellationToken).ConfigureAwait(false);
        await workflows.PublishAsync(client, events, cancellationToken).ConfigureAwait(false);
    }
}
