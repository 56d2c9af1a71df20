using System.Collections.Concurrent;
using IoMT.Core.Devices;

namespace IoMT.Testing;

/// <summary>The record of messages handed to a hub, in memory; counts its writes so tests can tell a record written once.</summary>
public sealed class InMemoryCloudToDeviceLog : ICloudToDeviceLog
{
    private readonly ConcurrentDictionary<(string DeviceId, string MessageId), CloudToDeviceMessage> _messages = new();

    public int Writes { get; private set; }

    public Task<bool> AddAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var added = _messages.TryAdd((message.DeviceId, message.MessageId), message);
        Writes += added ? 1 : 0;
        return Task.FromResult(added);
    }

    public Task SaveAsync(CloudToDeviceMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        _messages[(message.DeviceId, message.MessageId)] = message;
        Writes++;
        return Task.CompletedTask;
    }

    public Task<CloudToDeviceMessage?> FindAsync(string deviceId, string messageId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_messages.GetValueOrDefault((deviceId, messageId)));

    public Task<IReadOnlyList<CloudToDeviceMessage>> ListAsync(string deviceId, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CloudToDeviceMessage>>(
            [.. _messages.Values.Where(m => m.DeviceId == deviceId).OrderByDescending(m => m.EnqueuedAt).ThenByDescending(m => m.MessageId, StringComparer.Ordinal).Take(max)]);
}
