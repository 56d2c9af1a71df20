using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Functions.Devices;
using IoMT.Testing;
using Microsoft.Azure.Devices;
using Microsoft.Azure.Devices.Common.Exceptions;
using DeviceStatus = IoMT.Core.Devices.DeviceStatus;
using HubStatus = Microsoft.Azure.Devices.DeviceStatus;

namespace IoMT.Functions.Tests.Devices;

public class AzureDeviceRegistryTests
{
    private static readonly Caller Admin = new("admin", new HashSet<Role> { Role.Admin }, new HashSet<string>());
    private static readonly Caller Nurse = new("nurse-7", new HashSet<Role> { Role.Nurse }, new HashSet<string> { "ward-7" });

    private readonly InMemoryDeviceRegistry _directory = new();
    private readonly FakeIoTHub _hub = new();
    private readonly FakeDps _dps = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero));

    private AzureDeviceRegistry Registry => new(_directory, _hub, _dps.Client());

    private DeviceService Service => new(Registry, new InMemoryPatientDirectory(new PatientRecord("patient-1", ["ward-7"])), _clock);

    [Fact]
    public async Task Register_CreatesTheHubIdentityWithTheDirectorysKeys()
    {
        await RegisterAsync("oximeter-1");

        var stored = (await _directory.FindAsync("oximeter-1"))!;
        var identity = _hub.Devices["oximeter-1"];
        Assert.Equal(HubStatus.Enabled, identity.Status);
        Assert.Equal(AuthenticationType.Sas, identity.Authentication.Type);
        Assert.Equal(stored.Credentials.PrimaryKey, identity.Authentication.SymmetricKey.PrimaryKey);
        Assert.Equal(stored.Credentials.SecondaryKey, identity.Authentication.SymmetricKey.SecondaryKey);
    }

    [Fact]
    public async Task Import_SendsIdentitiesInBulkOperationsOfAtMost100()
    {
        var rows = Enumerable.Range(0, 250).Select(i => Oximeter($"oximeter-{i:D3}")).ToList();

        var imported = await Service.ImportAsync(Admin, rows);

        Assert.True(imported.IsSuccess);
        Assert.Equal(250, _hub.Devices.Count);
        Assert.Equal(["add-bulk 100", "add-bulk 100", "add-bulk 50"], _hub.Calls);
    }

    [Fact]
    public async Task Import_RetriedAfterTheHubFailed_CreatesTheMissingIdentitiesAndLeavesExistingOnesAlone()
    {
        var rows = new[] { Oximeter("oximeter-1"), Oximeter("oximeter-2") };
        _hub.FailNextCall = true;
        await Assert.ThrowsAsync<IotHubException>(() => Service.ImportAsync(Admin, rows));
        Assert.Empty(_hub.Devices);
        Assert.NotNull(await _directory.FindAsync("oximeter-1"));

        var retried = await Service.ImportAsync(Admin, rows);

        Assert.True(retried.IsSuccess);
        Assert.Equal((await _directory.FindAsync("oximeter-2"))!.Credentials.PrimaryKey, _hub.Devices["oximeter-2"].Authentication.SymmetricKey.PrimaryKey);
        _hub.Calls.Clear();
        await Service.ImportAsync(Admin, rows);
        Assert.Equal(["add-bulk 2"], _hub.Calls);
    }

    [Fact]
    public async Task Create_HubAlreadyHoldsAnIdentityForANewDevice_ReplacesItsKeysWithTheDirectorys()
    {
        _hub.Devices["oximeter-1"] = new Device("oximeter-1") { Authentication = new() { SymmetricKey = new() { PrimaryKey = "stale", SecondaryKey = "stale" } } };

        await RegisterAsync("oximeter-1");

        Assert.Equal((await _directory.FindAsync("oximeter-1"))!.Credentials.PrimaryKey, _hub.Devices["oximeter-1"].Authentication.SymmetricKey.PrimaryKey);
        Assert.Contains("update-bulk 1", _hub.Calls);
    }

    [Fact]
    public async Task Create_HubRefusesAnIdentityForAnotherReason_Throws()
    {
        var hub = new RefusingHub();
        var registry = new AzureDeviceRegistry(_directory, hub, _dps.Client());

        var error = await Assert.ThrowsAsync<IotHubException>(() => new DeviceService(registry, new InMemoryPatientDirectory(), _clock).RegisterAsync(Admin, Oximeter("oximeter-1")));

        Assert.Contains("oximeter-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_Enable_RotateKeys_Delete_ReachTheHub()
    {
        await RegisterAsync("oximeter-1");

        await Service.SetStatusAsync(Admin, "oximeter-1", DeviceStatus.Disabled);
        Assert.Equal(HubStatus.Disabled, _hub.Devices["oximeter-1"].Status);

        await Service.SetStatusAsync(Admin, "oximeter-1", DeviceStatus.Enabled);
        Assert.Equal(HubStatus.Enabled, _hub.Devices["oximeter-1"].Status);

        var before = _hub.Devices["oximeter-1"].Authentication.SymmetricKey.PrimaryKey;
        await Service.RotateKeysAsync(Admin, "oximeter-1", "primary");
        var rotated = (await _directory.FindAsync("oximeter-1"))!.Credentials.PrimaryKey;
        Assert.NotEqual(before, rotated);
        Assert.Equal(rotated, _hub.Devices["oximeter-1"].Authentication.SymmetricKey.PrimaryKey);

        await Service.DeleteAsync(Admin, "oximeter-1");
        Assert.False(_hub.Devices.ContainsKey("oximeter-1"));
        Assert.True((await _directory.FindAsync("oximeter-1"))!.IsDeleted);
    }

    [Fact]
    public async Task BindingAPatient_DoesNotTouchTheHub()
    {
        await RegisterAsync("oximeter-1");
        _hub.Calls.Clear();

        var bound = await Service.BindPatientAsync(Nurse, "oximeter-1", "patient-1", null);

        Assert.True(bound.IsSuccess, bound.Error?.Detail);
        Assert.Empty(_hub.Calls);
    }

    [Fact]
    public async Task Disable_HubFails_DirectoryUnchanged()
    {
        await RegisterAsync("oximeter-1");
        _hub.FailNextCall = true;

        await Assert.ThrowsAsync<IotHubException>(() => Service.SetStatusAsync(Admin, "oximeter-1", DeviceStatus.Disabled));

        Assert.Equal(DeviceStatus.Enabled, (await _directory.FindAsync("oximeter-1"))!.Status);
    }

    [Fact]
    public async Task Update_DirectoryChangedMeanwhile_PutsTheHubBackInStepWithTheDirectory()
    {
        await RegisterAsync("oximeter-1");
        var stored = (await _directory.FindAsync("oximeter-1"))!;
        var stale = stored with { Status = DeviceStatus.Disabled, Version = stored.Version };

        var updated = await Registry.UpdateAsync(stale, new DeviceChange(_clock.GetUtcNow(), "admin", "disabled"));

        Assert.False(updated);
        Assert.Equal(HubStatus.Enabled, _hub.Devices["oximeter-1"].Status);
    }

    [Fact]
    public async Task Update_IdentityMissingFromTheHub_IsAddedBack()
    {
        await RegisterAsync("oximeter-1");
        _hub.Devices.Clear();

        await Service.SetStatusAsync(Admin, "oximeter-1", DeviceStatus.Disabled);

        Assert.Equal(HubStatus.Disabled, _hub.Devices["oximeter-1"].Status);
    }

    [Fact]
    public async Task X509Device_HubIdentityCarriesTheThumbprints()
    {
        var registration = Oximeter("oximeter-x") with
        {
            Authentication = new DeviceAuthenticationInput(Type: "x509", PrimaryThumbprint: new string('a', 40), SecondaryThumbprint: new string('b', 64)),
        };

        var registered = await Service.RegisterAsync(Admin, registration);

        Assert.True(registered.IsSuccess, registered.Error?.Detail);
        var identity = _hub.Devices["oximeter-x"];
        Assert.Equal(AuthenticationType.SelfSigned, identity.Authentication.Type);
        Assert.Equal(new string('A', 40), identity.Authentication.X509Thumbprint.PrimaryThumbprint);
        Assert.Equal(new string('B', 64), identity.Authentication.X509Thumbprint.SecondaryThumbprint);
    }

    [Fact]
    public async Task CreateGroup_PutsItInDpsWithCustomAllocationThenStoresIt()
    {
        var created = await Service.CreateGroupAsync(Admin, new EnrollmentGroupRequest("acme-oximeters", "Acme Medical", "PulseOx 2", ["spo2"]));

        Assert.True(created.IsSuccess, created.Error?.Detail);
        var stored = (await _directory.FindGroupAsync("acme-oximeters"))!;
        var (method, uri, authorization) = Assert.Single(_dps.Requests);
        Assert.Equal(HttpMethod.Put, method);
        Assert.Equal("https://iomt-dps.azure-devices-provisioning.net/enrollmentGroups/acme-oximeters?api-version=2021-10-01", uri.ToString());
        Assert.Equal("Bearer entra-token", authorization);
        var body = _dps.Groups["acme-oximeters"];
        Assert.Equal("symmetricKey", (string?)body["attestation"]!["type"]);
        Assert.Equal(stored.PrimaryKey, (string?)body["attestation"]!["symmetricKey"]!["primaryKey"]);
        Assert.Equal(stored.SecondaryKey, (string?)body["attestation"]!["symmetricKey"]!["secondaryKey"]);
        Assert.Equal("enabled", (string?)body["provisioningStatus"]);
        Assert.Equal("custom", (string?)body["allocationPolicy"]);
        Assert.Equal(FakeDps.Options.AllocationWebhookUrl, (string?)body["customAllocationDefinition"]!["webhookUrl"]);
        Assert.Equal("iomt-hub.azure-devices.net", (string?)body["iotHubs"]![0]);
    }

    [Fact]
    public async Task PutGroup_WebhookStillAnUnresolvedKeyVaultReference_RefusedBeforeCallingDps()
    {
        var unresolved = new AzureDeviceOptions
        {
            IoTHubHostName = FakeDps.Options.IoTHubHostName,
            DpsIdScope = FakeDps.Options.DpsIdScope,
            DpsServiceHostName = FakeDps.Options.DpsServiceHostName,
            AllocationWebhookUrl = "@Microsoft.KeyVault(VaultName=kv-iomt;SecretName=dps-allocation-webhook-url)",
        };
        var group = new EnrollmentGroup
        {
            Id = "acme-oximeters",
            Manufacturer = "Acme Medical",
            Model = "PulseOx 2",
            Kinds = ["spo2"],
            PrimaryKey = "a2V5LWtleS1rZXk=",
            SecondaryKey = "a2V5LWtleS1rZXk=",
            CreatedAt = default,
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _dps.Client(unresolved).PutAsync(group, default));

        Assert.Contains("Devices:AllocationWebhookUrl", error.Message, StringComparison.Ordinal);
        Assert.Empty(_dps.Requests);
    }

    [Fact]
    public async Task CreateGroup_AlreadyExists_ConflictAndDpsUntouched()
    {
        await Service.CreateGroupAsync(Admin, new EnrollmentGroupRequest("acme-oximeters", "Acme Medical", "PulseOx 2", ["spo2"]));
        _dps.Requests.Clear();

        var again = await Service.CreateGroupAsync(Admin, new EnrollmentGroupRequest("acme-oximeters", "Acme Medical", "PulseOx 2", ["spo2"]));

        Assert.Equal(409, again.Error!.Status);
        Assert.Empty(_dps.Requests);
    }

    [Fact]
    public async Task CreateGroup_DpsRefuses_NotStored()
    {
        _dps.Answer = System.Net.HttpStatusCode.Unauthorized;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            Service.CreateGroupAsync(Admin, new EnrollmentGroupRequest("acme-oximeters", "Acme Medical", "PulseOx 2", ["spo2"])));

        Assert.Contains("401002", error.Message, StringComparison.Ordinal);
        Assert.Null(await _directory.FindGroupAsync("acme-oximeters"));
    }

    private static DeviceRegistration Oximeter(string id) => new()
    {
        Id = id,
        Manufacturer = "Acme Medical",
        Model = "PulseOx 2",
        Kinds = ["spo2", "heartRate"],
    };

    private async Task RegisterAsync(string id)
    {
        var registered = await Service.RegisterAsync(Admin, Oximeter(id));
        Assert.True(registered.IsSuccess, registered.Error?.Detail);
    }

    private sealed class RefusingHub : RegistryManager
    {
        public override Task<BulkRegistryOperationResult> AddDevices2Async(IEnumerable<Device> devices, CancellationToken cancellationToken) =>
            Task.FromResult(new BulkRegistryOperationResult
            {
                Errors = [.. devices.Select(d => new DeviceRegistryOperationError { DeviceId = d.Id, ErrorCode = ErrorCode.InvalidErrorCode, ErrorStatus = "quota exceeded" })],
            });
    }
}
