using System.Text.Json;
using IoMT.Core.Access;
using IoMT.Core.Api;
using IoMT.Core.Devices;
using IoMT.Testing;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

public class CloudToDeviceServiceTests
{
    private static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());
    private readonly DeviceFixture _devices = new();
    private readonly InMemoryCloudToDeviceStore _store = new();

    private CloudToDeviceService Service => new(_devices.Registry, _store, _devices.Clock);

    [Fact]
    public async Task Send_MakerOfTheDevice_QueuedAndInTheDevicesHistory()
    {
        await _devices.RegisterAsync();

        var sent = (await Service.SendAsync(Acme, "oximeter-0042", Request())).Value!;

        var queued = (await _store.FindAsync("oximeter-0042", sent.MessageId, T0))!;
        Assert.Equal((CloudToDeviceStatus.Queued, "acme-factory", T0.AddHours(1)), (queued.Status, queued.EnqueuedBy, sent.ExpiresAt));
        var history = (await _devices.Registry.HistoryAsync("oximeter-0042"))[^1];
        Assert.Equal(("acme-factory", CloudToDeviceService.SentAction, sent.MessageId), (history.Actor, history.Action, history.Detail));
    }

    [Fact]
    public async Task Send_OtherManufacturersMaker_404_Nurse_403_Admin_Sent()
    {
        await _devices.RegisterAsync();

        var globex = await Service.SendAsync(Globex, "oximeter-0042", Request());
        var nurse = await Service.SendAsync(Ward7Nurse, "oximeter-0042", Request());
        var admin = await Service.SendAsync(Admin, "oximeter-0042", Request());
        var listedByNurse = await Service.ListAsync(Ward7Nurse, "oximeter-0042");

        Assert.Equal((404, ApiError.DeviceNotFound), (globex.Error!.Status, globex.Error.Code));
        Assert.Equal((403, ApiError.Forbidden), (nurse.Error!.Status, nurse.Error.Code));
        Assert.True(admin.IsSuccess);
        Assert.Equal(403, listedByNurse.Error!.Status);
    }

    [Fact]
    public async Task Send_DisabledOrDeletedDevice_409()
    {
        await _devices.RegisterAsync("device-a");
        await _devices.RegisterAsync("device-b");
        await _devices.Service.SetStatusAsync(Acme, "device-a", DeviceStatus.Disabled);
        await _devices.Service.DeleteAsync(Acme, "device-b");

        var disabled = await Service.SendAsync(Acme, "device-a", Request());
        var deleted = await Service.SendAsync(Acme, "device-b", Request());

        Assert.Equal((409, ApiError.DeviceDisabled), (disabled.Error!.Status, disabled.Error.Code));
        Assert.Equal((409, ApiError.DeviceDeleted), (deleted.Error!.Status, deleted.Error.Code));
    }

    [Fact]
    public async Task Send_QueueFull_409QueueFullAndNothingRecorded()
    {
        await _devices.RegisterAsync();
        for (var i = 0; i < CloudToDeviceRules.MaxQueueDepth; i++)
        {
            Assert.True((await Service.SendAsync(Acme, "oximeter-0042", Request())).IsSuccess);
        }

        var full = await Service.SendAsync(Acme, "oximeter-0042", Request());

        Assert.Equal((409, ApiError.DeviceQueueFull), (full.Error!.Status, full.Error.Code));
        Assert.Equal(CloudToDeviceRules.MaxQueueDepth, (await _devices.Registry.HistoryAsync("oximeter-0042")).Count(c => c.Action == CloudToDeviceService.SentAction));
    }

    [Fact]
    public async Task Send_Invalid_400AndNothingQueued()
    {
        await _devices.RegisterAsync();

        var invalid = await Service.SendAsync(Acme, "oximeter-0042", Request() with { TtlSeconds = 3 * 24 * 3600 });

        Assert.Equal((400, "/ttlSeconds"), (invalid.Error!.Status, invalid.Error.Field));
        Assert.Empty(await _store.ListAsync("oximeter-0042", 10, T0));
    }

    [Fact]
    public async Task List_NewestFirstWithStatusAndRecord_NoPayload()
    {
        await _devices.RegisterAsync();
        var first = (await Service.SendAsync(Acme, "oximeter-0042", Request())).Value!;
        _devices.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = (await Service.SendAsync(Acme, "oximeter-0042", Request())).Value!;
        var delivered = (await _store.ReceiveAsync("oximeter-0042", T0.AddSeconds(2)))!;
        await _store.SettleAsync("oximeter-0042", delivered.LockToken!, CloudToDeviceSettlement.Complete, T0.AddSeconds(3));

        var listed = (await Service.ListAsync(Acme, "oximeter-0042")).Value!;

        Assert.Equal([(second.MessageId, CloudToDeviceStatus.Queued), (first.MessageId, CloudToDeviceStatus.Completed)], listed.Select(m => (m.MessageId, m.Status)));
        Assert.Equal([CloudToDeviceEventKind.Queued, CloudToDeviceEventKind.Delivered, CloudToDeviceEventKind.Completed], listed[1].Events.Select(e => e.Event));
        Assert.Equal(("reminder-1", 18), (listed[1].CorrelationId, listed[1].SizeBytes));
    }

    [Fact]
    public async Task SendAsTheProduct_NoCallerRules_RecordedUnderItsActor()
    {
        await _devices.RegisterAsync();

        var sent = (await Service.SendAsync("workflow:adherence", "oximeter-0042", "c2d_1", Request())).Value!;
        var unknown = await Service.SendAsync("workflow:adherence", "no-such-device", "c2d_2", Request());

        Assert.Equal("c2d_1", sent.MessageId);
        Assert.Equal("workflow:adherence", (await _store.FindAsync("oximeter-0042", sent.MessageId, T0))!.EnqueuedBy);
        Assert.Equal(404, unknown.Error!.Status);
    }

    [Fact]
    public async Task SendAsTheProduct_SameMessageIdAgain_QueuedAndRecordedOnce()
    {
        await _devices.RegisterAsync();
        var first = (await Service.SendAsync("workflow:adherence", "oximeter-0042", "c2d_1", Request())).Value!;
        _devices.Clock.Advance(TimeSpan.FromMinutes(1));

        var again = (await Service.SendAsync("workflow:adherence", "oximeter-0042", "c2d_1", Request())).Value!;

        Assert.Equal(first, again);
        Assert.Single(await _store.ListAsync("oximeter-0042", 10, T0));
        Assert.Single(await _devices.Registry.HistoryAsync("oximeter-0042"), h => h.Action == CloudToDeviceService.SentAction);
    }

    private static CloudToDeviceRequest Request() =>
        new(JsonDocument.Parse("""{"dose":"morning"}""").RootElement, "reminder-1", new Dictionary<string, string?> { ["kind"] = "dose-reminder" });
}
