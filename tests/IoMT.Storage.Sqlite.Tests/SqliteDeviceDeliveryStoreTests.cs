using IoMT.Core.Notifications;
using IoMT.Testing;
using Microsoft.Data.Sqlite;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteDeviceDeliveryStoreTests : DeviceDeliveryStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-deliveries-" + Guid.NewGuid().ToString("N"));
    private SqliteDeviceDeliveryStore? _store;

    protected override Task<IDeviceDeliveryStore> CreateStoreAsync()
    {
        _store = new SqliteDeviceDeliveryStore(Path.Combine(_directory, "device-deliveries.db"));
        return Task.FromResult<IDeviceDeliveryStore>(_store);
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
