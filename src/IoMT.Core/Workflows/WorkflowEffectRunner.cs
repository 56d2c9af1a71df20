using IoMT.Core.Notifications;
using IoMT.Core.Timeline;

namespace IoMT.Core.Workflows;

/// <summary>Runs one effect: writes its timeline entry (idempotent by id) or hands its notification to the notifier.</summary>
public sealed class WorkflowEffectRunner(ITimelineStore timelines, INotifier notifier)
{
    public Task RunAsync(WorkflowEffect effect, CancellationToken cancellationToken = default) => effect switch
    {
        TimelineEffect timeline => timelines.AppendAsync(timeline.Key, [timeline.Record], cancellationToken),
        NotifyEffect notify => notifier.NotifyAsync(notify.Notification, cancellationToken),
        _ => throw new ArgumentException($"Unknown effect {effect?.GetType().Name}.", nameof(effect)),
    };
}
