using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using Xunit;

namespace IoMT.Testing;

/// <summary>The behaviour every <see cref="IDeviceDeliveryStore"/> must have; derive once per implementation.</summary>
public abstract class DeviceDeliveryStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private IDeviceDeliveryStore? _store;

    protected IDeviceDeliveryStore Store => SkipReason is { } reason
        ? throw new SkipException(reason)
        : _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected virtual string? SkipReason => null;

    protected abstract Task<IDeviceDeliveryStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    public static PendingDeviceDelivery Delivery(string key, DateTimeOffset at, DeliveryStatus status = DeliveryStatus.Queued) =>
        new(DeviceReminders.CorrelationId(key, DeviceReminders.Channel), "p-1",
            new DeliveryOutcome(key, "p-1:metformin:2026-11-21T08:00:00Z", NotificationKind.DoseMissed, DeviceReminders.Channel, ["patient:p-1"], status, 1, at,
                status == DeliveryStatus.Failed ? "rejected by device dispenser-1" : null,
                [new DeviceDelivery("dispenser-1", "c2d_" + key, status == DeliveryStatus.Queued ? CloudToDeviceStatus.Queued : CloudToDeviceStatus.Rejected,
                    status == DeliveryStatus.Queued ? null : at.AddMinutes(1))]));

    [SkippableFact]
    public async Task Save_ThenFind_TheWholeDelivery()
    {
        var delivery = Delivery("k-1", T0);

        await Store.SaveAsync(delivery);

        var found = (await Store.FindAsync(delivery.Id))!;
        Assert.Equal((delivery.Id, "p-1", DeliveryStatus.Queued), (found.Id, found.PatientId, found.Outcome.Status));
        Assert.Equal(delivery.Outcome.Devices, found.Outcome.Devices);
        Assert.Equal(delivery.Outcome.Recipients, found.Outcome.Recipients);
        Assert.Null(await Store.FindAsync("nt_unknown"));
    }

    [SkippableFact]
    public async Task Save_SameIdAgain_Replaced_NoLongerPendingOnceSettled()
    {
        await Store.SaveAsync(Delivery("k-1", T0));

        await Store.SaveAsync(Delivery("k-1", T0, DeliveryStatus.Failed));

        var found = (await Store.FindAsync(DeviceReminders.CorrelationId("k-1", DeviceReminders.Channel)))!;
        Assert.Equal((DeliveryStatus.Failed, CloudToDeviceStatus.Rejected), (found.Outcome.Status, found.Outcome.Devices!.Single().Status));
        Assert.Empty(await Store.ListPendingAsync(10));
    }

    [SkippableFact]
    public async Task ListPending_OldestFirst_OnlyQueuedAndAtMostMax()
    {
        await Store.SaveAsync(Delivery("k-3", T0.AddMinutes(3)));
        await Store.SaveAsync(Delivery("k-1", T0.AddMinutes(1)));
        await Store.SaveAsync(Delivery("k-2", T0.AddMinutes(2)));
        await Store.SaveAsync(Delivery("k-0", T0, DeliveryStatus.Failed));

        var pending = await Store.ListPendingAsync(2);

        Assert.Equal(["k-1", "k-2"], pending.Select(d => d.Outcome.Key));
    }
}
