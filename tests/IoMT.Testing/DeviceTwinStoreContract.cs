using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using Xunit;

namespace IoMT.Testing;

/// <summary>What every <see cref="IDeviceTwinStore"/> must do; each store's tests derive from this.</summary>
public abstract class DeviceTwinStoreContract
{
    protected abstract IDeviceTwinStore Store { get; }

    [Fact]
    public async Task Find_NothingStored_Null()
    {
        Assert.Null(await Store.FindAsync("oximeter-1"));
    }

    [Fact]
    public async Task Save_FirstVersion_ThenFound_WithBothSections()
    {
        var twin = new DeviceTwin("oximeter-1", 1, new JsonObject { ["interval"] = 30 }, 2, new JsonObject { ["battery"] = new JsonObject { ["level"] = 80 } }, 1);

        Assert.True(await Store.SaveAsync(twin));

        var found = (await Store.FindAsync("oximeter-1"))!;
        Assert.Equal((1L, 2L, 1L), (found.Version, found.DesiredVersion, found.ReportedVersion));
        Assert.Equal("{\"interval\":30}", found.Desired.ToJsonString());
        Assert.Equal("{\"battery\":{\"level\":80}}", found.Reported.ToJsonString());
    }

    [Fact]
    public async Task Save_VersionNotNext_RefusedAndKeepsTheStoredTwin()
    {
        var first = new DeviceTwin("oximeter-1", 1, new JsonObject { ["interval"] = 30 }, 2, [], 1);
        await Store.SaveAsync(first);

        var again = await Store.SaveAsync(first with { Desired = new JsonObject { ["interval"] = 60 } });
        var skipped = await Store.SaveAsync(first with { Version = 3 });
        var next = await Store.SaveAsync(first with { Version = 2, Desired = new JsonObject { ["interval"] = 90 }, DesiredVersion = 3 });

        Assert.Equal((false, false, true), (again, skipped, next));
        var found = (await Store.FindAsync("oximeter-1"))!;
        Assert.Equal((2L, 3L, "{\"interval\":90}"), (found.Version, found.DesiredVersion, found.Desired.ToJsonString()));
    }

    [Fact]
    public async Task Save_OtherDevice_Independent()
    {
        await Store.SaveAsync(new DeviceTwin("a", 1, new JsonObject { ["x"] = 1 }, 2, [], 1));

        Assert.True(await Store.SaveAsync(new DeviceTwin("b", 1, [], 1, new JsonObject { ["y"] = "z" }, 2)));
        Assert.Equal("{\"x\":1}", (await Store.FindAsync("a"))!.Desired.ToJsonString());
    }
}
