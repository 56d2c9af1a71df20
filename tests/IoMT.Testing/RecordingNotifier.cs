using System.Collections.Concurrent;
using IoMT.Core.Notifications;

namespace IoMT.Testing;

/// <summary>Records notifications; can be told to fail the next deliveries.</summary>
public sealed class RecordingNotifier : INotifier
{
    public ConcurrentQueue<Notification> Sent { get; } = new();

    public int FailNext { get; set; }

    public Task NotifyAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        if (FailNext > 0)
        {
            FailNext--;
            throw new HttpRequestException("channel down");
        }

        Sent.Enqueue(notification);
        return Task.CompletedTask;
    }
}
