using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Testing;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

public class DeviceTwinServiceTests
{
    private readonly DeviceFixture _fixture = new();
    private readonly InMemoryDeviceTwinStore _store = new();
    private readonly RecordingListener _listener = new();

    private DeviceTwinService Service => new(_store, _fixture.Registry, _fixture.Clock, [_listener]);

    private static JsonNode Body(string desired) => JsonNode.Parse($$$"""{"properties":{"desired":{{{desired}}}}}""")!;

    [Fact]
    public async Task Get_NothingSet_EmptySectionsAtVersionOne()
    {
        await _fixture.RegisterAsync();

        var view = (await Service.GetAsync(Acme, "oximeter-0042")).Value!;

        Assert.Equal(("oximeter-0042", 0L), (view.DeviceId, view.Version));
        Assert.Equal("""{"desired":{"$version":1},"reported":{"$version":1}}""", view.Properties.ToJsonString());
    }

    [Fact]
    public async Task Get_OtherManufacturerOrNurse_NotFound_Admin_Found()
    {
        await _fixture.RegisterAsync();

        Assert.Equal(ApiError.DeviceNotFound, (await Service.GetAsync(Globex, "oximeter-0042")).Error!.Code);
        Assert.Equal(ApiError.DeviceNotFound, (await Service.GetAsync(Ward7Nurse, "oximeter-0042")).Error!.Code);
        Assert.Equal(ApiError.DeviceNotFound, (await Service.GetAsync(Admin, "no-such-device")).Error!.Code);
        Assert.True((await Service.GetAsync(Admin, "oximeter-0042")).IsSuccess);
    }

    [Fact]
    public async Task PatchDesired_Maker_StoredVersionedRecordedAndPassedOn()
    {
        await _fixture.RegisterAsync();

        var first = (await Service.PatchDesiredAsync(Acme, "oximeter-0042", Body("""{"interval":30,"alarm":{"low":88}}"""))).Value!;
        var second = (await Service.PatchDesiredAsync(Admin, "oximeter-0042", Body("""{"alarm":{"low":90},"interval":null}"""))).Value!;

        Assert.Equal("""{"alarm":{"low":90},"$version":3}""", second.Properties["desired"]!.ToJsonString());
        Assert.Equal((1L, 2L), (first.Version, second.Version));
        Assert.Equal(
            [("oximeter-0042", """{"interval":30,"alarm":{"low":88}}""", 2L), ("oximeter-0042", """{"alarm":{"low":90},"interval":null}""", 3L)],
            _listener.Changes);
        var history = await _fixture.Registry.HistoryAsync("oximeter-0042");
        Assert.Equal(
            [new DeviceChange(T0, "acme-factory", "twin-desired-updated", "$version 2: interval, alarm"), new DeviceChange(T0, "admin", "twin-desired-updated", "$version 3: alarm, interval")],
            history.Where(c => c.Action == "twin-desired-updated"));
    }

    [Theory]
    [InlineData("""{"desired":{"a":1}}""", "/properties")]
    [InlineData("""{"properties":{"reported":{"a":1}}}""", "/properties/reported")]
    [InlineData("""{"properties":{"desired":{"a":1}},"tags":{"ward":"7"}}""", "/tags")]
    [InlineData("""{"properties":{"desired":[1]}}""", "/properties/desired")]
    [InlineData("""{"properties":{"desired":{"a.b":1}}}""", "/properties/desired/a.b")]
    public async Task PatchDesired_AnythingButDesiredProperties_RefusedWithThePointer(string body, string pointer)
    {
        await _fixture.RegisterAsync();

        var error = (await Service.PatchDesiredAsync(Acme, "oximeter-0042", JsonNode.Parse(body))).Error!;

        Assert.Equal((400, pointer), (error.Status, error.Field));
        Assert.Empty(_listener.Changes);
    }

    [Fact]
    public async Task PatchDesired_OtherManufacturer_NotFound_NothingStored()
    {
        await _fixture.RegisterAsync();

        var error = (await Service.PatchDesiredAsync(Globex, "oximeter-0042", Body("""{"interval":30}"""))).Error!;

        Assert.Equal(404, error.Status);
        Assert.Null(await _store.FindAsync("oximeter-0042"));
    }

    [Fact]
    public async Task PatchDesired_DeletedDevice_Conflict()
    {
        await _fixture.RegisterAsync();
        await _fixture.Service.DeleteAsync(Acme, "oximeter-0042");

        Assert.Equal(409, (await Service.PatchDesiredAsync(Acme, "oximeter-0042", Body("""{"interval":30}"""))).Error!.Status);
    }

    [Fact]
    public async Task PatchReported_Device_MergedAndVersioned_DesiredUntouched()
    {
        await _fixture.RegisterAsync();
        await Service.PatchDesiredAsync(Acme, "oximeter-0042", Body("""{"interval":30}"""));

        var first = await Service.PatchReportedAsync("oximeter-0042", Encoding.UTF8.GetBytes("""{"battery":80,"firmware":"2.4.1"}"""));
        var second = await Service.PatchReportedAsync("oximeter-0042", Encoding.UTF8.GetBytes("""{"battery":null}"""));

        Assert.Equal((2L, 3L), (first.Value, second.Value));
        var twin = await Service.GetForDeviceAsync("oximeter-0042");
        Assert.Equal("""{"desired":{"interval":30,"$version":2},"reported":{"firmware":"2.4.1","$version":3}}""", DeviceTwins.DeviceDocument(twin).ToJsonString());
        Assert.Single(_listener.Changes);
    }

    [Fact]
    public async Task PatchReported_NotAnObject_Refused_VersionUnchanged()
    {
        var error = (await Service.PatchReportedAsync("oximeter-0042", "[1,2]"u8.ToArray())).Error!;

        Assert.Equal(400, error.Status);
        Assert.Equal(1L, (await Service.GetForDeviceAsync("oximeter-0042")).ReportedVersion);
    }

    [Fact]
    public async Task PatchReported_ConcurrentPatches_EachGetsItsOwnVersion()
    {
        var patches = Enumerable.Range(0, 20).Select(i => Service.PatchReportedAsync("d", Encoding.UTF8.GetBytes($$"""{"p{{i}}":{{i}}}""")));

        var versions = (await Task.WhenAll(patches)).Select(r => r.IsSuccess ? r.Value : -1).Order().ToList();

        Assert.Equal(Enumerable.Range(2, 20).Select(v => (long)v), versions.Where(v => v > 0));
        var reported = (await Service.GetForDeviceAsync("d")).Reported;
        Assert.Equal(versions.Count(v => v > 0), reported.Count);
    }

    private sealed class RecordingListener : IDesiredPropertiesListener
    {
        public List<(string DeviceId, string Patch, long Version)> Changes { get; } = [];

        public Task DesiredPropertiesChangedAsync(string deviceId, JsonObject patch, long version, CancellationToken cancellationToken = default)
        {
            Changes.Add((deviceId, patch.ToJsonString(), version));
            return Task.CompletedTask;
        }
    }
}
