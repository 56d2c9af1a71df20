using IoMT.Core.Api;
using IoMT.Core.Devices;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

public class DeviceGatewayTests
{
    private const string Hub = "iomt-hub.azure-devices.net";

    [Fact]
    public async Task Authenticate_OwnTokenWithEitherKey_TheDevice()
    {
        var fixture = new DeviceFixture();
        var device = await fixture.RegisterAsync();

        foreach (var key in new[] { device.Credentials.PrimaryKey!, device.Credentials.SecondaryKey! })
        {
            var result = await fixture.Gateway.AuthenticateAsync("oximeter-0042", Token("oximeter-0042", key), [Hub]);
            Assert.Equal("oximeter-0042", result.Value!.Id);
        }
    }

    [Fact]
    public async Task Authenticate_DeviceAsTokenOnDeviceBsPath_401()
    {
        var fixture = new DeviceFixture();
        var a = await fixture.RegisterAsync("device-a");
        await fixture.RegisterAsync("device-b");

        var onB = await fixture.Gateway.AuthenticateAsync("device-b", Token("device-a", a.Credentials.PrimaryKey!), [Hub]);
        var forgedForB = await fixture.Gateway.AuthenticateAsync("device-b", Token("device-b", a.Credentials.PrimaryKey!), [Hub]);

        Assert.Equal((401, ApiError.Unauthenticated), (onB.Error!.Status, onB.Error.Code));
        Assert.Equal(401, forgedForB.Error!.Status);
    }

    [Fact]
    public async Task Authenticate_Expired_401_WithinSkew_Accepted()
    {
        var fixture = new DeviceFixture();
        var key = (await fixture.RegisterAsync()).Credentials.PrimaryKey!;
        var token = Token("oximeter-0042", key, T0.AddMinutes(10));

        fixture.Clock.Advance(TimeSpan.FromMinutes(14));
        var withinSkew = await fixture.Gateway.AuthenticateAsync("oximeter-0042", token, [Hub]);
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await fixture.Gateway.AuthenticateAsync("oximeter-0042", token, [Hub]);

        Assert.True(withinSkew.IsSuccess);
        Assert.Equal("The token has expired.", expired.Error!.Detail);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer x")]
    [InlineData("SharedAccessSignature sr=a")]
    public async Task Authenticate_MissingOrMalformed_401(string? authorization)
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        Assert.Equal(401, (await fixture.Gateway.AuthenticateAsync("oximeter-0042", authorization, [Hub])).Error!.Status);
    }

    [Fact]
    public async Task Authenticate_OtherHubName_401()
    {
        var fixture = new DeviceFixture();
        var key = (await fixture.RegisterAsync()).Credentials.PrimaryKey!;

        var result = await fixture.Gateway.AuthenticateAsync("oximeter-0042", SasToken.Create("evil-hub.azure-devices.net/devices/oximeter-0042", key, T0.AddHours(1)), [Hub]);

        Assert.Equal(401, result.Error!.Status);
    }

    [Fact]
    public async Task Authenticate_DisabledDevice404AsIoTHubAnswers_DeletedOrUnknown401AsABadToken_TheCodesTellThemApart()
    {
        var fixture = new DeviceFixture();
        var key = (await fixture.RegisterAsync()).Credentials.PrimaryKey!;
        await fixture.Service.SetStatusAsync(Acme, "oximeter-0042", DeviceStatus.Disabled);

        var disabled = await fixture.Gateway.AuthenticateAsync("oximeter-0042", Token("oximeter-0042", key), [Hub]);
        await fixture.Service.DeleteAsync(Acme, "oximeter-0042");
        var deleted = await fixture.Gateway.AuthenticateAsync("oximeter-0042", Token("oximeter-0042", key), [Hub]);

        var unknown = await fixture.Gateway.AuthenticateAsync("oximeter-9999", Token("oximeter-9999", key), [Hub]);

        Assert.Equal((404, ApiError.DeviceDisabled), (disabled.Error!.Status, disabled.Error.Code));
        Assert.Equal((401, ApiError.DeviceNotFound), (deleted.Error!.Status, deleted.Error.Code));
        Assert.Equal((401, ApiError.DeviceNotFound), (unknown.Error!.Status, unknown.Error.Code));
    }

    [Fact]
    public async Task Authenticate_DisabledDeviceWithAForgedToken_401BeforeItsStatusIsTold()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();
        await fixture.Service.SetStatusAsync(Acme, "oximeter-0042", DeviceStatus.Disabled);

        var forged = await fixture.Gateway.AuthenticateAsync("oximeter-0042", Token("oximeter-0042", DpsKeys.NewKey()), [Hub]);

        Assert.Equal((401, ApiError.Unauthenticated), (forged.Error!.Status, forged.Error.Code));
    }

    [Fact]
    public async Task Authenticate_RotatedKey_OldTokenRefused()
    {
        var fixture = new DeviceFixture();
        var key = (await fixture.RegisterAsync()).Credentials.PrimaryKey!;

        await fixture.Service.RotateKeysAsync(Acme, "oximeter-0042", "primary");

        Assert.Equal(401, (await fixture.Gateway.AuthenticateAsync("oximeter-0042", Token("oximeter-0042", key), [Hub])).Error!.Status);
    }

    [Fact]
    public async Task RegisterThroughDps_DerivedKey_CreatesTheDeviceOnceWithTheGroupsMetadata()
    {
        var fixture = new DeviceFixture();
        await fixture.Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs", null, "BP Cuff 7", ["bloodPressure", "heartRate"]));
        var groupKey = (await fixture.Service.GroupCredentialsAsync(Acme, "acme-cuffs", Endpoints)).Value!.PrimaryKey;
        var derived = DpsKeys.DeriveDeviceKey(groupKey, "bp-cuff-000001");
        var token = SasToken.Create($"{Endpoints.IdScope}/registrations/bp-cuff-000001", derived, T0.AddHours(1), "registration");

        var first = (await fixture.Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", token, Endpoints)).Value!;
        var again = (await fixture.Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", token, Endpoints)).Value!;
        var telemetry = await fixture.Gateway.AuthenticateAsync("bp-cuff-000001", Token("bp-cuff-000001", derived), [Hub]);

        Assert.Equal(("bp-cuff-000001", Hub), (first.DeviceId, first.AssignedHub));
        Assert.Equal(first, again);
        var device = (await fixture.Registry.FindAsync("bp-cuff-000001"))!;
        Assert.Equal(("Acme Medical", "BP Cuff 7", "acme-cuffs"), (device.Manufacturer, device.Model, device.EnrollmentGroupId));
        Assert.True(telemetry.IsSuccess);
        Assert.Equal("dps:acme-cuffs", (await fixture.Registry.HistoryAsync("bp-cuff-000001"))[0].Actor);
    }

    [Fact]
    public async Task RegisterThroughDps_KeyOfAnotherRegistrationOrScope_401()
    {
        var fixture = new DeviceFixture();
        await fixture.Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs", null, "BP Cuff 7", ["bloodPressure"]));
        var groupKey = (await fixture.Service.GroupCredentialsAsync(Acme, "acme-cuffs", Endpoints)).Value!.PrimaryKey;
        var otherDevicesKey = DpsKeys.DeriveDeviceKey(groupKey, "bp-cuff-000002");

        var stolen = SasToken.Create($"{Endpoints.IdScope}/registrations/bp-cuff-000001", otherDevicesKey, T0.AddHours(1), "registration");
        var good = SasToken.Create($"{Endpoints.IdScope}/registrations/bp-cuff-000001", DpsKeys.DeriveDeviceKey(groupKey, "bp-cuff-000001"), T0.AddHours(1), "registration");

        Assert.Equal(401, (await fixture.Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", stolen, Endpoints)).Error!.Status);
        Assert.Equal(401, (await fixture.Gateway.RegisterAsync("0ne00FFFFFF", "bp-cuff-000001", good, Endpoints)).Error!.Status);
        Assert.Null(await fixture.Registry.FindAsync("bp-cuff-000001"));
    }

    [Fact]
    public async Task RegisterThroughDps_IdTakenByAnImportedDevice_Refused()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync("bp-cuff-000001");
        await fixture.Service.CreateGroupAsync(Acme, new EnrollmentGroupRequest("acme-cuffs", null, "BP Cuff 7", ["bloodPressure"]));
        var groupKey = (await fixture.Service.GroupCredentialsAsync(Acme, "acme-cuffs", Endpoints)).Value!.PrimaryKey;
        var token = SasToken.Create($"{Endpoints.IdScope}/registrations/bp-cuff-000001", DpsKeys.DeriveDeviceKey(groupKey, "bp-cuff-000001"), T0.AddHours(1), "registration");

        Assert.Equal(403, (await fixture.Gateway.RegisterAsync(Endpoints.IdScope, "bp-cuff-000001", token, Endpoints)).Error!.Status);
    }

    private static string Token(string deviceId, string key, DateTimeOffset? expiry = null) =>
        SasToken.Create($"{Hub}/devices/{deviceId}", key, expiry ?? T0.AddHours(1));
}
