using IoMT.Core.Devices;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

public class SqliteDeviceRegistryTests : DeviceRegistryContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-devices-" + Guid.NewGuid().ToString("N"));

    protected override Task<IDeviceRegistry> CreateRegistryAsync() =>
        Task.FromResult<IDeviceRegistry>(new SqliteDeviceRegistry(Path.Combine(_directory, "devices.db")));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void IdScope_MadeUpOnceAndKept()
    {
        var path = Path.Combine(_directory, "scope.db");
        string first;
        using (var registry = new SqliteDeviceRegistry(path))
        {
            first = registry.IdScope();
            Assert.Equal(first, registry.IdScope());
        }

        using var reopened = new SqliteDeviceRegistry(path);
        Assert.Equal(first, reopened.IdScope());
        Assert.Matches("^0ne[0-9A-F]{8}$", first);
    }
}
