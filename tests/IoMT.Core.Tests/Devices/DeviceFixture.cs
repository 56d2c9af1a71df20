using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Testing;

namespace IoMT.Core.Tests.Devices;

/// <summary>A registry in memory, two patients in two care teams, and the people who act on devices.</summary>
internal sealed class DeviceFixture
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    public static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());
    public static readonly Caller Acme = new("acme-factory", new HashSet<Role> { Role.DeviceMaker }, new HashSet<string>(), "Acme Medical");
    public static readonly Caller Globex = new("globex-factory", new HashSet<Role> { Role.DeviceMaker }, new HashSet<string>(), "Globex");
    public static readonly Caller Ward7Nurse = new("nurse-7", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });
    public static readonly Caller Ward9Nurse = new("nurse-9", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-9" });
    public static readonly GatewayEndpoints Endpoints = new("iomt-hub.azure-devices.net", "0ne00ABCDEF", "global.azure-devices-provisioning.net");

    public InMemoryDeviceRegistry Registry { get; } = new();

    public ManualClock Clock { get; } = new(T0);

    public InMemoryPatientDirectory Patients { get; } = new(new PatientRecord("patient-1", ["ward-7"]), new PatientRecord("patient-2", ["ward-9"]));

    public DeviceService Service => new(Registry, Patients, Clock);

    public DeviceGateway Gateway => new(Registry, Clock);

    public static DeviceRegistration Oximeter(string id = "oximeter-0042") => new()
    {
        Id = id,
        Manufacturer = "Acme Medical",
        Model = "PulseOx 2",
        Kinds = ["spo2", "heartRate", "battery"],
        SerialNumber = "SN-" + id,
        Firmware = "2.4.1",
    };

    public async Task<DeviceRecord> RegisterAsync(string id = "oximeter-0042")
    {
        var registered = await Service.RegisterAsync(Acme, Oximeter(id));
        Assert.True(registered.IsSuccess, registered.Error?.Detail);
        return (await Registry.FindAsync(id))!;
    }
}
