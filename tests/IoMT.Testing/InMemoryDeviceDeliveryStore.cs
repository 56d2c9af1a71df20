using System.Collections.Concurrent;
using IoMT.Core.Notifications;

namespace IoMT.Testing;

/// <summary>The <c>device</c> channel's deliveries in memory.</summary>
public sealed class InMemoryDeviceDeliveryStore : IDeviceDeliveryStore
{
    private readonly ConcurrentDictionary<string, PendingDeviceDelivery> _deliveries = new(StringComparer.Ordinal);

    public IReadOnlyCollection<PendingDeviceDelivery> All => [.. _deliveries.Values];

    public Task SaveAsync(PendingDeviceDelivery delivery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        _deliveries[delivery.Id] = delivery;
        return Task.CompletedTask;
    }

    public Task<PendingDeviceDelivery?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_deliveries.GetValueOrDefault(id));

    public Task<IReadOnlyList<PendingDeviceDelivery>> ListPendingAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PendingDeviceDelivery>>([.. _deliveries.Values.Where(d => d.IsPending).OrderBy(d => d.Outcome.At).Take(max)]);
}
