using System.Text;
using IoMT.Core.Devices;
using Xunit;

namespace IoMT.Testing;

/// <summary>The behaviour every <see cref="ICloudToDeviceStore"/> must have (IoT Hub's queue rules); derive once per implementation.</summary>
public abstract class CloudToDeviceStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    private ICloudToDeviceStore? _store;

    protected ICloudToDeviceStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected abstract Task<ICloudToDeviceStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A valid message, as <see cref="CloudToDeviceRules.Validate"/> makes them.</summary>
    protected static CloudToDeviceMessage Message(string deviceId, string messageId, DateTimeOffset at, int ttlSeconds = 3600) =>
        CloudToDeviceRules.Validate(
            new CloudToDeviceRequest(System.Text.Json.JsonDocument.Parse($$"""{"remind":"{{messageId}}"}""").RootElement, "corr-" + messageId,
                new Dictionary<string, string?> { ["kind"] = "reminder" }, ttlSeconds),
            deviceId, messageId, "admin", at).Value!;

    [Fact]
    public async Task Receive_EmptyQueue_Null()
    {
        Assert.Null(await Store.ReceiveAsync("dispenser-1", T0));
    }

    [Fact]
    public async Task Receive_Queued_LockedForAMinuteWithATokenAndEverythingSent()
    {
        Assert.True(await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0)));

        var received = (await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(5)))!;

        Assert.Equal(("m-1", CloudToDeviceStatus.Delivered, 0), (received.MessageId, received.Status, received.DeliveryCount));
        Assert.Equal("""{"remind":"m-1"}""", Encoding.UTF8.GetString(received.Body));
        Assert.Equal(("corr-m-1", "reminder", T0.AddHours(1)), (received.CorrelationId, received.Properties["kind"], received.ExpiresAt));
        Assert.False(string.IsNullOrEmpty(received.LockToken));
        Assert.Equal(T0.AddSeconds(65), received.LockedUntil);
        Assert.True(received.SequenceNumber > 0);
        Assert.Equal([CloudToDeviceEventKind.Queued, CloudToDeviceEventKind.Delivered], received.Events.Select(e => e.Event));
    }

    [Fact]
    public async Task Enqueue_SameMessageIdAgain_TrueAndQueuedOnce()
    {
        Assert.True(await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0)));
        var received = await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(1));

        var again = await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0.AddSeconds(2)));

        Assert.True(again);
        var stored = Assert.Single(await Store.ListAsync("dispenser-1", 10, T0.AddSeconds(3)));
        Assert.Equal((CloudToDeviceStatus.Delivered, received!.LockToken, T0), (stored.Status, stored.LockToken, stored.EnqueuedAt));
        Assert.Null(await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(3)));
    }

    [Fact]
    public async Task Receive_OldestFirst_ALockedMessageIsNotDeliveredTwice()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0));
        await Store.EnqueueAsync(Message("dispenser-1", "m-2", T0.AddSeconds(1)));
        await Store.EnqueueAsync(Message("dispenser-2", "other", T0));

        var first = await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(2));
        var second = await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(2));
        var none = await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(2));

        Assert.Equal(("m-1", "m-2"), (first!.MessageId, second!.MessageId));
        Assert.True(second.SequenceNumber > first.SequenceNumber);
        Assert.Null(none);
    }

    [Theory]
    [InlineData(CloudToDeviceSettlement.Complete, CloudToDeviceStatus.Completed, CloudToDeviceEventKind.Completed)]
    [InlineData(CloudToDeviceSettlement.Reject, CloudToDeviceStatus.Rejected, CloudToDeviceEventKind.Rejected)]
    public async Task Settle_CompleteOrReject_FinishedAndNotDeliveredAgain(CloudToDeviceSettlement settlement, CloudToDeviceStatus status, CloudToDeviceEventKind kind)
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0));
        var received = (await Store.ReceiveAsync("dispenser-1", T0))!;

        var settled = await Store.SettleAsync("dispenser-1", received.LockToken!, settlement, T0.AddSeconds(10));

        Assert.Equal(status, settled.Value!.Status);
        Assert.Null(await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(11)));
        var record = (await Store.FindAsync("dispenser-1", "m-1", T0.AddSeconds(11)))!;
        Assert.Equal(status, record.Status);
        Assert.Equal(new CloudToDeviceEvent(T0.AddSeconds(10), kind), record.Events[^1]);
    }

    [Fact]
    public async Task Settle_Abandon_BackInTheQueueWithDeliveryCountOne()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0));
        var received = (await Store.ReceiveAsync("dispenser-1", T0))!;

        var abandoned = await Store.SettleAsync("dispenser-1", received.LockToken!, CloudToDeviceSettlement.Abandon, T0.AddSeconds(3));
        var again = (await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(4)))!;

        Assert.Equal((CloudToDeviceStatus.Queued, 1), (abandoned.Value!.Status, abandoned.Value.DeliveryCount));
        Assert.Equal(("m-1", 1), (again.MessageId, again.DeliveryCount));
        Assert.NotEqual(received.LockToken, again.LockToken);
        Assert.Equal(
            [CloudToDeviceEventKind.Queued, CloudToDeviceEventKind.Delivered, CloudToDeviceEventKind.Abandoned, CloudToDeviceEventKind.Delivered],
            again.Events.Select(e => e.Event));
    }

    [Fact]
    public async Task Settle_UnknownOrUsedToken_LockLostAndNothingChanges()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0));
        var received = (await Store.ReceiveAsync("dispenser-1", T0))!;

        var unknown = await Store.SettleAsync("dispenser-1", Guid.NewGuid().ToString(), CloudToDeviceSettlement.Complete, T0);
        var otherDevice = await Store.SettleAsync("dispenser-2", received.LockToken!, CloudToDeviceSettlement.Complete, T0);
        await Store.SettleAsync("dispenser-1", received.LockToken!, CloudToDeviceSettlement.Complete, T0);
        var twice = await Store.SettleAsync("dispenser-1", received.LockToken!, CloudToDeviceSettlement.Reject, T0);

        Assert.All([unknown, otherDevice, twice], r => Assert.Equal((412, IoTHubErrors.LockLostCode), (r.Error!.Status, r.Error.Code)));
        Assert.Equal(CloudToDeviceStatus.Completed, (await Store.FindAsync("dispenser-1", "m-1", T0))!.Status);
    }

    [Fact]
    public async Task LockTimeout_BackInTheQueueCounted_TheOldTokenIsLost()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0));
        var received = (await Store.ReceiveAsync("dispenser-1", T0))!;

        var late = await Store.SettleAsync("dispenser-1", received.LockToken!, CloudToDeviceSettlement.Complete, T0 + CloudToDeviceRules.LockTimeout);
        var again = (await Store.ReceiveAsync("dispenser-1", T0.AddMinutes(2)))!;

        Assert.Equal(412, late.Error!.Status);
        Assert.Equal(1, again.DeliveryCount);
        Assert.Contains(new CloudToDeviceEvent(T0 + CloudToDeviceRules.LockTimeout, CloudToDeviceEventKind.LockExpired), again.Events);
    }

    [Fact]
    public async Task TenUnsuccessfulDeliveries_DeadLettered_NotDeliveredAgain()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0, ttlSeconds: 48 * 3600));
        var at = T0;
        for (var i = 0; i < CloudToDeviceRules.MaxDeliveryCount; i++)
        {
            var received = (await Store.ReceiveAsync("dispenser-1", at))!;
            Assert.Equal(i, received.DeliveryCount);
            await Store.SettleAsync("dispenser-1", received.LockToken!, CloudToDeviceSettlement.Abandon, at);
            at = at.AddSeconds(1);
        }

        Assert.Null(await Store.ReceiveAsync("dispenser-1", at));
        var record = (await Store.FindAsync("dispenser-1", "m-1", at))!;
        Assert.Equal((CloudToDeviceStatus.DeadLettered, CloudToDeviceRules.MaxDeliveryCount), (record.Status, record.DeliveryCount));
        Assert.Equal(CloudToDeviceEventKind.DeadLettered, record.Events[^1].Event);
    }

    [Fact]
    public async Task TimeToLive_RunsOut_ExpiredAtItsExpiryNeverDelivered()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0, ttlSeconds: 60));

        Assert.Null(await Store.ReceiveAsync("dispenser-1", T0.AddSeconds(60)));
        var record = (await Store.FindAsync("dispenser-1", "m-1", T0.AddSeconds(61)))!;
        Assert.Equal(CloudToDeviceStatus.Expired, record.Status);
        Assert.Equal(new CloudToDeviceEvent(T0.AddSeconds(60), CloudToDeviceEventKind.Expired), record.Events[^1]);
    }

    [Fact]
    public async Task Enqueue_FiftyPending_TheNextRefusedUntilOneIsCompleted()
    {
        for (var i = 0; i < CloudToDeviceRules.MaxQueueDepth; i++)
        {
            Assert.True(await Store.EnqueueAsync(Message("dispenser-1", $"m-{i}", T0)));
        }

        var refused = await Store.EnqueueAsync(Message("dispenser-1", "m-50", T0));
        var otherDevice = await Store.EnqueueAsync(Message("dispenser-2", "m-50", T0));
        var locked = (await Store.ReceiveAsync("dispenser-1", T0))!;
        var whileLocked = await Store.EnqueueAsync(Message("dispenser-1", "m-51", T0));
        await Store.SettleAsync("dispenser-1", locked.LockToken!, CloudToDeviceSettlement.Complete, T0);
        var afterCompleted = await Store.EnqueueAsync(Message("dispenser-1", "m-52", T0));

        Assert.Equal((false, true, false, true), (refused, otherDevice, whileLocked, afterCompleted));
        Assert.Null(await Store.FindAsync("dispenser-1", "m-50", T0));
    }

    [Fact]
    public async Task List_NewestFirst_OnlyTheDevicesOwn_AsOfNow()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0, ttlSeconds: 60));
        await Store.EnqueueAsync(Message("dispenser-1", "m-2", T0.AddSeconds(1)));
        await Store.EnqueueAsync(Message("dispenser-2", "other", T0));

        var listed = await Store.ListAsync("dispenser-1", 10, T0.AddMinutes(5));
        var one = await Store.ListAsync("dispenser-1", 1, T0.AddMinutes(5));

        Assert.Equal([("m-2", CloudToDeviceStatus.Queued), ("m-1", CloudToDeviceStatus.Expired)], listed.Select(m => (m.MessageId, m.Status)));
        Assert.Equal("m-2", Assert.Single(one).MessageId);
    }
}
