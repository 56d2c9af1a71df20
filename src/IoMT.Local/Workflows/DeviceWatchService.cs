using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;

namespace IoMT.Local.Workflows;

/// <summary>Every <see cref="Every"/>, raises <c>device-silent</c> for watched devices that went quiet and ends it for those heard again.</summary>
public sealed partial class DeviceWatchService(DeviceSilenceWatch watch, IWorkflowEventSink workflows, TimeProvider time, ILogger<DeviceWatchService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(15);

    /// <summary>One check: publishes what it found; returns how many events.</summary>
    public async Task<int> CheckOnceAsync(CancellationToken cancellationToken = default)
    {
        var events = await watch.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (events.Count > 0)
        {
            await workflows.PublishAsync(events, cancellationToken).ConfigureAwait(false);
        }

        return events.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await CheckOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.CheckFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The silent-device check failed; it runs again at the next tick")]
        public static partial void CheckFailed(ILogger logger, Exception exception);
    }
}
