using System.Text.Json.Nodes;
using IoMT.Core.Devices;
using IoMT.Testing;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

/// <summary>The product's own desired properties (the measurement interval) for devices registered every way there is.</summary>
public class DeviceProductSettingsTests
{
    private readonly DeviceFixture _fixture = new();
    private readonly InMemoryDeviceTwinStore _twins = new();

    private DeviceTwinService Twins => new(_twins, _fixture.Registry, _fixture.Clock, []);

    private DeviceService Service => new(_fixture.Registry, _fixture.Patients, _fixture.Clock, Twins);

    private DeviceGateway Gateway => new(_fixture.Registry, _fixture.Clock, Twins);

    [Fact]
    public void ProductSettings_ReportingInterval_MeasurementIntervalInSeconds_NoneWithout()
    {
        var device = new DeviceRecord
        {
            Id = "cuff-1",
            Manufacturer = "Acme Medical",
            Model = "BP 5",
            Kinds = ["bloodPressure"],
            Credentials = DeviceCredentials.NewKeys(),
            ReportingInterval = TimeSpan.FromMinutes(15),
            CreatedAt = T0,
            UpdatedAt = T0,
        };

        Assert.Equal("""{"measurementIntervalSeconds":900}""", DeviceTwinService.ProductSettings(device).ToJsonString());
        Assert.Empty(DeviceTwinService.ProductSettings(device with { ReportingInterval = null }));
        Assert.Empty(DeviceTwinService.ProductSettings(device with { DeletedAt = T0 }));
    }

    [Fact]
    public async Task Import_CreatedRowsWithAnInterval_TwinsDesireIt_ExistingAndIntervalLessRowsUntouched()
    {
        await Service.RegisterAsync(Acme, Oximeter("existing-1") with { ReportingIntervalSeconds = 60 });
        var existing = (await _twins.FindAsync("existing-1"))!;
        Assert.True(await _twins.SaveAsync(existing with { Version = existing.Version + 1, Desired = new JsonObject { ["measurementIntervalSeconds"] = 30 } }));

        var imported = await Service.ImportAsync(Acme,
        [
            Oximeter("new-1") with { ReportingIntervalSeconds = 300 },
            Oximeter("new-2"),
            Oximeter("existing-1") with { ReportingIntervalSeconds = 60 },
        ]);

        Assert.Equal((2, 1), (imported.Value!.Created, imported.Value.Existing));
        Assert.Equal(300, (int)(await _twins.FindAsync("new-1"))!.Desired["measurementIntervalSeconds"]!);
        Assert.Null((await _twins.FindAsync("new-2"))?.Desired["measurementIntervalSeconds"]);
        Assert.Equal(30, (int)(await _twins.FindAsync("existing-1"))!.Desired["measurementIntervalSeconds"]!);
        Assert.Contains(await _fixture.Registry.HistoryAsync("new-1"), c => c.Actor == DeviceTwinService.SystemActor && c.Action == "twin-desired-updated");
    }

    [Fact]
    public async Task EnrollmentGroup_WithAnInterval_ShownAndValidated()
    {
        var created = await Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs", null, "BP Cuff 7", ["bloodPressure"], ReportingIntervalSeconds: 900));
        var invalid = await Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs-2", null, "BP Cuff 7", ["bloodPressure"], ReportingIntervalSeconds: 0));

        Assert.Equal(900, created.Value!.ReportingIntervalSeconds);
        Assert.Equal((400, "/reportingIntervalSeconds"), (invalid.Error!.Status, invalid.Error.Field));
    }

    [Fact]
    public async Task RegisterThroughDps_GroupWithAnInterval_DeviceWatchedAtItAndItsTwinDesiresIt_OnceOnly()
    {
        await Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs", null, "BP Cuff 7", ["bloodPressure"], ReportingIntervalSeconds: 900));
        var token = await DpsTokenAsync("acme-cuffs", "bp-cuff-000001");

        await Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", token, Endpoints);
        var first = (await _twins.FindAsync("bp-cuff-000001"))!;
        Assert.True(await _twins.SaveAsync(first with { Version = first.Version + 1, Desired = new JsonObject { ["measurementIntervalSeconds"] = 60 } }));
        await Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", token, Endpoints);

        Assert.Equal(TimeSpan.FromMinutes(15), (await _fixture.Registry.FindAsync("bp-cuff-000001"))!.ReportingInterval);
        Assert.Equal(900, (int)first.Desired["measurementIntervalSeconds"]!);
        Assert.Equal(60, (int)(await _twins.FindAsync("bp-cuff-000001"))!.Desired["measurementIntervalSeconds"]!);
    }

    [Fact]
    public async Task RegisterThroughDps_GroupWithoutAnInterval_NoTwinWritten()
    {
        await Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs", null, "BP Cuff 7", ["bloodPressure"]));

        var registered = await Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", await DpsTokenAsync("acme-cuffs", "bp-cuff-000001"), Endpoints);

        Assert.True(registered.IsSuccess);
        Assert.Null(await _twins.FindAsync("bp-cuff-000001"));
    }

    private async Task<string> DpsTokenAsync(string groupId, string registrationId)
    {
        var groupKey = (await Service.GroupCredentialsAsync(Acme, groupId, Endpoints)).Value!.PrimaryKey;
        return SasToken.Create($"{Endpoints.IdScope}/registrations/{registrationId}", DpsKeys.DeriveDeviceKey(groupKey, registrationId), T0.AddHours(1), "registration");
    }
}
