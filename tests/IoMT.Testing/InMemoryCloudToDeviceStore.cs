using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Testing;

/// <summary>Devices' cloud-to-device queues in memory, applying <see cref="CloudToDeviceRules"/> as the SQLite store does.</summary>
public sealed class InMemoryCloudToDeviceStore : ICloudToDeviceStore
{
    private readonly Dictionary<string, List<CloudToDeviceMessage>> _devices = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _sequence;

    public Task<bool> EnqueueAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            var messages = Advance(message.DeviceId, message.EnqueuedAt);
            if (messages.Exists(m => m.MessageId == message.MessageId))
            {
                return Task.FromResult(true);
            }

            if (messages.Count(m => m.IsPending) >= CloudToDeviceRules.MaxQueueDepth)
            {
                return Task.FromResult(false);
            }

            messages.Add(message with { SequenceNumber = ++_sequence });
            return Task.FromResult(true);
        }
    }

    public Task<CloudToDeviceMessage?> ReceiveAsync(string deviceId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var messages = Advance(deviceId, now);
            var next = messages.FindIndex(m => m.Status == CloudToDeviceStatus.Queued);
            if (next < 0)
            {
                return Task.FromResult<CloudToDeviceMessage?>(null);
            }

            messages[next] = CloudToDeviceRules.Deliver(messages[next], Guid.NewGuid().ToString(), now);
            return Task.FromResult<CloudToDeviceMessage?>(messages[next]);
        }
    }

    public Task<ApiResult<CloudToDeviceMessage>> SettleAsync(
        string deviceId, string lockToken, CloudToDeviceSettlement settlement, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var messages = Advance(deviceId, now);
            var index = messages.FindIndex(m => m.Status == CloudToDeviceStatus.Delivered && string.Equals(m.LockToken, lockToken, StringComparison.OrdinalIgnoreCase));
            var settled = CloudToDeviceRules.Settle(index < 0 ? null : messages[index], lockToken, settlement, now);
            if (settled.IsSuccess)
            {
                messages[index] = settled.Value!;
            }

            return Task.FromResult(settled);
        }
    }

    public Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(Advance(deviceId, now).Find(m => m.MessageId == messageId));
        }
    }

    public Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CloudToDeviceMessage>>([.. Advance(deviceId, now).OrderByDescending(m => m.SequenceNumber).Take(max)]);
        }
    }

    private List<CloudToDeviceMessage> Advance(string deviceId, DateTimeOffset now)
    {
        if (!_devices.TryGetValue(deviceId, out var messages))
        {
            _devices[deviceId] = messages = [];
        }

        for (var i = 0; i < messages.Count; i++)
        {
            messages[i] = CloudToDeviceRules.Advance(messages[i], now);
        }

        return messages;
    }
}
