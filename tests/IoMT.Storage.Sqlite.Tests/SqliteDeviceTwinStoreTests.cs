using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Testing;

namespace IoMT.Storage.Sqlite.Tests;

public sealed class SqliteDeviceTwinStoreTests : DeviceTwinStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "iomt-twins-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteDeviceTwinStore _store;

    public SqliteDeviceTwinStoreTests()
    {
        Directory.CreateDirectory(_directory);
        _store = new SqliteDeviceTwinStore(Path.Combine(_directory, "twins.db"));
    }

    protected override IDeviceTwinStore Store => _store;

    [Fact]
    public async Task Reopened_KeepsTheTwin()
    {
        await _store.SaveAsync(new DeviceTwin("oximeter-1", 1, new JsonObject { ["interval"] = 30 }, 2, [], 1));
        _store.Dispose();

        using var reopened = new SqliteDeviceTwinStore(Path.Combine(_directory, "twins.db"));

        Assert.Equal("{\"interval\":30}", (await reopened.FindAsync("oximeter-1"))!.Desired.ToJsonString());
    }

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
