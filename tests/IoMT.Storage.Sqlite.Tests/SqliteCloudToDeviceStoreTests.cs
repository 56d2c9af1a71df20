using IoMT.Core.Devices;
using IoMT.Testing;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite.Tests;

/// <summary>IoT Hub's queue rules against the local store, and what only a file can show.</summary>
public sealed class SqliteCloudToDeviceStoreTests : CloudToDeviceStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-c2d-" + Guid.NewGuid().ToString("N"));
    private SqliteCloudToDeviceStore? _store;

    private string DatabasePath => Path.Combine(_directory, "cloud-to-device.db");

    protected override Task<ICloudToDeviceStore> CreateStoreAsync()
    {
        _store = new SqliteCloudToDeviceStore(DatabasePath);
        return Task.FromResult<ICloudToDeviceStore>(_store);
    }

    [Fact]
    public async Task Reopened_QueueLockAndRecordKept_TheLockStillSettles()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "m-1", T0));
        await Store.EnqueueAsync(Message("dispenser-1", "m-2", T0));
        var received = (await Store.ReceiveAsync("dispenser-1", T0))!;
        _store!.Dispose();

        using var reopened = new SqliteCloudToDeviceStore(DatabasePath);
        var completed = await reopened.SettleAsync("dispenser-1", received.LockToken!, CloudToDeviceSettlement.Complete, T0.AddSeconds(30));
        var next = (await reopened.ReceiveAsync("dispenser-1", T0.AddSeconds(31)))!;

        Assert.Equal((CloudToDeviceStatus.Completed, received.SequenceNumber), (completed.Value!.Status, completed.Value.SequenceNumber));
        Assert.Equal("m-2", next.MessageId);
        Assert.Equal(received.Body, completed.Value.Body);
        Assert.Equal(received.Properties, completed.Value.Properties);
    }

    [Fact]
    public async Task Enqueue_FinishedMessagesPastTheRetention_Purged_RecentOnesKept()
    {
        await Store.EnqueueAsync(Message("dispenser-1", "old", T0, ttlSeconds: 60));
        await Store.EnqueueAsync(Message("dispenser-1", "pending", T0.AddDays(29), ttlSeconds: 172_800));

        await Store.EnqueueAsync(Message("dispenser-1", "new", T0 + CloudToDeviceRules.FinishedRetention + TimeSpan.FromSeconds(1)));

        var listed = await Store.ListAsync("dispenser-1", 10, T0.AddDays(30));
        Assert.Equal(["new", "pending"], listed.Select(m => m.MessageId));
    }

    public override Task DisposeAsync()
    {
        _store?.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
