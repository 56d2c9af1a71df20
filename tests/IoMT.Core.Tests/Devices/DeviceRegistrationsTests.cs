using IoMT.Core.Api;
using IoMT.Core.Devices;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

public class DeviceRegistrationsTests
{
    [Fact]
    public void Validate_CompleteRegistration_DeviceWithGeneratedDistinctKeys()
    {
        var result = DeviceRegistrations.Validate(Oximeter(), Acme, T0);

        var device = result.Value!;
        Assert.Equal(("oximeter-0042", "Acme Medical", "PulseOx 2", DeviceStatus.Enabled), (device.Id, device.Manufacturer, device.Model, device.Status));
        Assert.Equal(["spo2", "heartRate", "battery"], device.Kinds);
        Assert.Equal(DeviceAuthenticationType.SymmetricKey, device.Credentials.Type);
        Assert.Equal(32, Convert.FromBase64String(device.Credentials.PrimaryKey!).Length);
        Assert.NotEqual(device.Credentials.PrimaryKey, device.Credentials.SecondaryKey);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(604800, true)]
    [InlineData(604801, false)]
    [InlineData(-1, false)]
    public void Validate_ReportingInterval_OneSecondToSevenDays(int seconds, bool valid)
    {
        var result = DeviceRegistrations.Validate(Oximeter() with { ReportingIntervalSeconds = seconds }, Acme, T0);

        Assert.Equal(valid, result.IsSuccess);
        Assert.Equal(valid ? TimeSpan.FromSeconds(seconds) : null, result.Value?.ReportingInterval);
        Assert.Equal(valid ? null : "/reportingIntervalSeconds", result.Error?.Field);
    }

    [Fact]
    public void Validate_DeviceMakerWithoutManufacturer_TheirOwn()
    {
        var device = DeviceRegistrations.Validate(Oximeter() with { Manufacturer = null }, Acme, T0).Value!;

        Assert.Equal("Acme Medical", device.Manufacturer);
    }

    [Fact]
    public void Validate_DeviceMakerForAnotherManufacturer_Forbidden()
    {
        var error = DeviceRegistrations.Validate(Oximeter(), Globex, T0).Error!;

        Assert.Equal((403, ApiError.Forbidden), (error.Status, error.Code));
    }

    [Theory]
    [InlineData("/id", "id", "has space")]
    [InlineData("/id", "id", "")]
    [InlineData("/id", "id", "ünïcode")]
    [InlineData("/model", "model", "")]
    [InlineData("/model", "model", " padded")]
    [InlineData("/serialNumber", "serialNumber", "line\nbreak")]
    [InlineData("/status", "status", "paused")]
    public void Validate_BadField_PointerAndMessage(string pointer, string field, string value)
    {
        var registration = field switch
        {
            "id" => Oximeter() with { Id = value },
            "model" => Oximeter() with { Model = value },
            "serialNumber" => Oximeter() with { SerialNumber = value },
            _ => Oximeter() with { Status = value },
        };

        var error = DeviceRegistrations.Validate(registration, Acme, T0, "/7").Error!;

        Assert.Equal((400, ApiError.BodyInvalid, "/7" + pointer), (error.Status, error.Code, error.Field));
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public void Validate_IotHubSpecialCharactersInId_Accepted()
    {
        Assert.True(DeviceRegistrations.Validate(Oximeter("a-b.c%d_e*f?g!h(i)j,k:l=m@n$o'p"), Acme, T0).IsSuccess);
        Assert.False(DeviceRegistrations.Validate(Oximeter(new string('x', 129)), Acme, T0).IsSuccess);
    }

    [Theory]
    [InlineData(new[] { "spo2", "pulse" }, "/kinds/1")]
    [InlineData(new[] { "spo2", "spo2" }, "/kinds/1")]
    [InlineData(new string[0], "/kinds")]
    public void Validate_BadKinds_PointerToTheKind(string[] kinds, string pointer)
    {
        Assert.Equal(pointer, DeviceRegistrations.Validate(Oximeter() with { Kinds = kinds }, Acme, T0).Error!.Field);
    }

    [Fact]
    public void Validate_SuppliedKeys_KeptOrRejected()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var kept = DeviceRegistrations.Validate(Oximeter() with { Authentication = new(PrimaryKey: key) }, Acme, T0).Value!;
        var shortKey = DeviceRegistrations.Validate(Oximeter() with { Authentication = new(SecondaryKey: Convert.ToBase64String(new byte[8])) }, Acme, T0);

        Assert.Equal(key, kept.Credentials.PrimaryKey);
        Assert.Equal("/authentication/secondaryKey", shortKey.Error!.Field);
    }

    [Fact]
    public void Validate_X509_ThumbprintsNormalizedAndChecked()
    {
        var thumbprint = new string('a', 40);
        var device = DeviceRegistrations.Validate(Oximeter() with { Authentication = new("x509", PrimaryThumbprint: thumbprint) }, Acme, T0).Value!;
        var bad = DeviceRegistrations.Validate(Oximeter() with { Authentication = new("x509", PrimaryThumbprint: "abc") }, Acme, T0);
        var mixed = DeviceRegistrations.Validate(Oximeter() with { Authentication = new("x509", PrimaryKey: Convert.ToBase64String(new byte[32]), PrimaryThumbprint: thumbprint) }, Acme, T0);

        Assert.Equal((DeviceAuthenticationType.X509, new string('A', 40), null), (device.Credentials.Type, device.Credentials.PrimaryThumbprint, device.Credentials.PrimaryKey));
        Assert.Equal("/authentication/primaryThumbprint", bad.Error!.Field);
        Assert.Equal("/authentication/type", mixed.Error!.Field);
    }
}
