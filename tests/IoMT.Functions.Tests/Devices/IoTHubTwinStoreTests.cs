using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Functions.Devices;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;

namespace IoMT.Functions.Tests.Devices;

public class IoTHubTwinStoreTests
{
    private readonly FakeIoTHub _hub = new();

    private IoTHubTwinStore Store => new(_hub);

    [Fact]
    public async Task Find_DeviceIoTHubDoesNotKnow_Null()
    {
        Assert.Null(await Store.FindAsync("oximeter-1"));
    }

    [Fact]
    public async Task Find_NewDevice_IoTHubsEmptyTwin()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");

        var twin = (await Store.FindAsync("oximeter-1"))!;

        Assert.Equal(("oximeter-1", 1L, "{}", 1L, "{}", 1L), Summary(twin));
    }

    [Fact]
    public async Task Find_MapsTheTwinVersionAndEachSectionsVersion_WithoutMetadata()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");
        _hub.Report("oximeter-1", new JsonObject { ["battery"] = new JsonObject { ["level"] = 80 } });
        _hub.Report("oximeter-1", new JsonObject { ["firmware"] = "2.1.0" });
        await SaveDesiredAsync(new JsonObject { ["interval"] = 30 });

        var twin = (await Store.FindAsync("oximeter-1"))!;

        Assert.Equal(("oximeter-1", 4L, "{\"interval\":30}", 2L, "{\"battery\":{\"level\":80},\"firmware\":\"2.1.0\"}", 3L), Summary(twin));
    }

    [Fact]
    public async Task Save_NextVersion_SendsOnlyTheDesiredChangesAsAMergePatchWithTheTwinsETag()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");
        _hub.Report("oximeter-1", new JsonObject { ["battery"] = 80 });
        await SaveDesiredAsync(JsonNode.Parse("""{"interval":30,"mode":"spot","alarm":{"low":90,"high":100}}""")!.AsObject());
        var read = (await Store.FindAsync("oximeter-1"))!;
        _hub.Calls.Clear();

        var saved = await Store.SaveAsync(read with
        {
            Version = read.Version + 1,
            Desired = JsonNode.Parse("""{"interval":60,"alarm":{"low":88,"high":100},"led":true}""")!.AsObject(),
            DesiredVersion = read.DesiredVersion + 1,
        });

        Assert.True(saved);
        Assert.Equal(["get-twin oximeter-1", "update-twin oximeter-1 AAAAAAAAAAM="], _hub.Calls);
        var sent = _hub.TwinPatches[^1];
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"mode":null,"interval":60,"alarm":{"low":88},"led":true}"""), JsonNode.Parse(sent.Properties.Desired.ToJson())));
        Assert.Null(sent.Properties.Reported);
        var found = (await Store.FindAsync("oximeter-1"))!;
        Assert.Equal(("oximeter-1", 4L, """{"interval":60,"alarm":{"low":88,"high":100},"led":true}""", 3L, """{"battery":80}""", 2L), Summary(found));
    }

    [Fact]
    public async Task Save_VersionNotTheNext_FalseAndNothingWritten()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");
        var read = (await Store.FindAsync("oximeter-1"))!;
        var change = new JsonObject { ["interval"] = 60 };

        var again = await Store.SaveAsync(read with { Desired = change });
        var skipped = await Store.SaveAsync(read with { Version = read.Version + 2, Desired = change });

        Assert.Equal((false, false), (again, skipped));
        Assert.Empty(_hub.TwinPatches);
    }

    [Fact]
    public async Task Save_TheDeviceReportedBetweenTheReadAndTheWrite_FalseOnTheMovedETag_ReportedKept()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");
        var read = (await Store.FindAsync("oximeter-1"))!;
        _hub.BeforeNextTwinUpdate = () => _hub.Report("oximeter-1", new JsonObject { ["battery"] = 79 });

        var saved = await Store.SaveAsync(read with { Version = read.Version + 1, Desired = new JsonObject { ["interval"] = 60 }, DesiredVersion = 2 });

        Assert.False(saved);
        Assert.Empty(_hub.TwinPatches);
        Assert.Equal(("oximeter-1", 2L, "{}", 1L, "{\"battery\":79}", 2L), Summary((await Store.FindAsync("oximeter-1"))!));
    }

    [Fact]
    public async Task Save_TwinChangesReportedProperties_ThrowsAndWritesNothing()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");
        var read = (await Store.FindAsync("oximeter-1"))!;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store.SaveAsync(read with { Version = read.Version + 1, Reported = new JsonObject { ["battery"] = 100 }, ReportedVersion = 2 }));

        Assert.Empty(_hub.TwinPatches);
    }

    [Fact]
    public async Task Save_DesiredPropertiesAlreadyThose_TrueWithoutAWrite()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1");
        await SaveDesiredAsync(new JsonObject { ["interval"] = 30 });
        var read = (await Store.FindAsync("oximeter-1"))!;
        _hub.TwinPatches.Clear();

        Assert.True(await Store.SaveAsync(read with { Version = read.Version + 1, DesiredVersion = read.DesiredVersion + 1 }));
        Assert.Empty(_hub.TwinPatches);
    }

    [Fact]
    public async Task Save_DeviceIoTHubDoesNotKnow_Throws()
    {
        await Assert.ThrowsAsync<DeviceNotFoundException>(() => Store.SaveAsync(DeviceTwin.Empty("oximeter-1") with { Version = 1, Desired = new JsonObject { ["x"] = 1 } }));
    }

    private async Task SaveDesiredAsync(JsonObject desired)
    {
        var read = (await Store.FindAsync("oximeter-1"))!;
        Assert.True(await Store.SaveAsync(read with { Version = read.Version + 1, Desired = desired, DesiredVersion = read.DesiredVersion + 1 }));
    }

    private static (string, long, string, long, string, long) Summary(DeviceTwin twin) =>
        (twin.DeviceId, twin.Version, twin.Desired.ToJsonString(), twin.DesiredVersion, twin.Reported.ToJsonString(), twin.ReportedVersion);
}
