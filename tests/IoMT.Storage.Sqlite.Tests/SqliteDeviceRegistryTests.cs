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

    [Fact]
    public async Task MarkSeen_WithinSecondsOfTheStoredTime_KeepsItUntilTheResolutionPasses()
    {
        // Every message would otherwise rewrite its device's row.
        await Registry.CreateAsync([Device("d")], "acme");
        await Registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["d"] = T0 });

        await Registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["d"] = T0 + SqliteDeviceRegistry.SeenResolution - TimeSpan.FromTicks(1) });
        var kept = (await Registry.FindAsync("d"))!.LastSeenAt;
        await Registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["d"] = T0 + SqliteDeviceRegistry.SeenResolution });

        Assert.Equal(T0, kept);
        Assert.Equal(T0 + SqliteDeviceRegistry.SeenResolution, (await Registry.FindAsync("d"))!.LastSeenAt);
        using var reopened = new SqliteDeviceRegistry(Path.Combine(_directory, "devices.db"));
        Assert.Equal(T0 + SqliteDeviceRegistry.SeenResolution, (await reopened.FindAsync("d"))!.LastSeenAt);
    }

    [Fact]
    public async Task Find_AfterEachKindOfWrite_SeesTheWrite()
    {
        // Records read are kept in memory: each write must show in the next read.
        await Registry.CreateAsync([Device("d")], "acme");
        var created = (await Registry.FindAsync("d"))!;

        await Registry.MarkSeenAsync(new Dictionary<string, DateTimeOffset> { ["d"] = T0.AddHours(1) });
        Assert.Equal(T0.AddHours(1), (await Registry.FindAsync("d"))!.LastSeenAt);

        await Registry.UpdateAsync(created with { Status = DeviceStatus.Disabled, Version = 2 }, new DeviceChange(T0.AddHours(2), "acme", "disabled"));
        var disabled = (await Registry.FindManyAsync(["d"])).Single();
        Assert.Equal((DeviceStatus.Disabled, 2L, T0.AddHours(1)), (disabled.Status, disabled.Version, disabled.LastSeenAt));

        using var reopened = new SqliteDeviceRegistry(Path.Combine(_directory, "devices.db"));
        var fromFile = (await reopened.FindAsync("d"))!;
        Assert.Equal((DeviceStatus.Disabled, 2L, T0.AddHours(1)), (fromFile.Status, fromFile.Version, fromFile.LastSeenAt));
    }
}
