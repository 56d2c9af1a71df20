using IoMT.Core.Api;
using IoMT.Core.Devices;
using static IoMT.Core.Tests.Devices.DeviceFixture;

namespace IoMT.Core.Tests.Devices;

public class DeviceServiceTests
{
    [Fact]
    public async Task Register_DeviceMaker_ViewWithoutKeysAndHistoryEntry()
    {
        var fixture = new DeviceFixture();

        var view = (await fixture.Service.RegisterAsync(Acme, Oximeter())).Value!;

        Assert.Equal(("oximeter-0042", "enabled", "symmetricKey", null), (view.Id, view.Status, view.Authentication, view.Bindings));
        Assert.Equal([new DeviceChange(T0, "acme-factory", "created")], await fixture.Registry.HistoryAsync("oximeter-0042"));
    }

    [Fact]
    public async Task Register_SameIdTwice_Conflict()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        var error = (await fixture.Service.RegisterAsync(Admin, Oximeter())).Error!;

        Assert.Equal((409, ApiError.DeviceExists), (error.Status, error.Code));
    }

    [Fact]
    public async Task Register_Nurse_Forbidden()
    {
        Assert.Equal(403, (await new DeviceFixture().Service.RegisterAsync(Ward7Nurse, Oximeter())).Error!.Status);
    }

    [Fact]
    public async Task Get_OtherManufacturersDevice_NotFound_Admin_Found()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        Assert.Equal(ApiError.DeviceNotFound, (await fixture.Service.GetAsync(Globex, "oximeter-0042")).Error!.Code);
        Assert.True((await fixture.Service.GetAsync(Admin, "oximeter-0042")).IsSuccess);
        Assert.True((await fixture.Service.GetAsync(Ward7Nurse, "oximeter-0042")).IsSuccess);
    }

    [Fact]
    public async Task List_DeviceMaker_OnlyTheirManufacturer()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync("a");
        await fixture.Service.RegisterAsync(Globex, Oximeter("b") with { Manufacturer = "Globex" });

        var acme = (await fixture.Service.ListAsync(Acme, new DeviceFilter())).Value!;
        var spying = (await fixture.Service.ListAsync(Acme, new DeviceFilter(Manufacturer: "Globex"))).Error!;
        var all = (await fixture.Service.ListAsync(Admin, new DeviceFilter())).Value!;

        Assert.Equal(["a"], acme.Items.Select(d => d.Id));
        Assert.Equal(403, spying.Status);
        Assert.Equal(["a", "b"], all.Items.Select(d => d.Id));
    }

    [Fact]
    public async Task List_Clinician_OnlyForOneOfTheirPatients()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();
        await fixture.Service.BindPatientAsync(Ward7Nurse, "oximeter-0042", "patient-1", T0);

        var mine = (await fixture.Service.ListAsync(Ward7Nurse, new DeviceFilter(PatientId: "patient-1"))).Value!;
        var everything = (await fixture.Service.ListAsync(Ward7Nurse, new DeviceFilter())).Error!;
        var theirs = (await fixture.Service.ListAsync(Ward9Nurse, new DeviceFilter(PatientId: "patient-1"))).Error!;

        Assert.Equal("patient-1", Assert.Single(mine.Items).PatientId);
        Assert.Equal(("request.parameter-invalid", "patient"), (everything.Code, everything.Field));
        Assert.Equal(ApiError.PatientNotFound, theirs.Code);
    }

    [Fact]
    public async Task Disable_ThenEnable_StatusAndHistory()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        var disabled = (await fixture.Service.SetStatusAsync(Acme, "oximeter-0042", DeviceStatus.Disabled)).Value!;
        var again = (await fixture.Service.SetStatusAsync(Acme, "oximeter-0042", DeviceStatus.Disabled)).Value!;
        var enabled = (await fixture.Service.SetStatusAsync(Acme, "oximeter-0042", DeviceStatus.Enabled)).Value!;

        Assert.Equal(("disabled", "disabled", "enabled"), (disabled.Status, again.Status, enabled.Status));
        Assert.Equal(["created", "disabled", "enabled"], (await fixture.Registry.HistoryAsync("oximeter-0042")).Select(c => c.Action));
    }

    [Theory]
    [InlineData("primary", true, false)]
    [InlineData("secondary", false, true)]
    [InlineData(null, true, true)]
    public async Task RotateKeys_ReplacesOnlyTheNamedKeys(string? which, bool primaryChanged, bool secondaryChanged)
    {
        var fixture = new DeviceFixture();
        var before = (await fixture.RegisterAsync()).Credentials;

        await fixture.Service.RotateKeysAsync(Acme, "oximeter-0042", which);

        var after = (await fixture.Registry.FindAsync("oximeter-0042"))!.Credentials;
        Assert.Equal((primaryChanged, secondaryChanged), (before.PrimaryKey != after.PrimaryKey, before.SecondaryKey != after.SecondaryKey));
        Assert.Equal(which ?? "both", (await fixture.Registry.HistoryAsync("oximeter-0042"))[^1].Detail);
    }

    [Fact]
    public async Task RotateKeys_UnknownKeyName_InvalidBody()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        Assert.Equal("/key", (await fixture.Service.RotateKeysAsync(Acme, "oximeter-0042", "tertiary")).Error!.Field);
    }

    [Fact]
    public async Task Delete_KeepsRecordAndHistory_EndsBinding_RefusesLaterChanges()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();
        await fixture.Service.BindPatientAsync(Ward7Nurse, "oximeter-0042", "patient-1", T0);
        fixture.Clock.Advance(TimeSpan.FromDays(3));

        var deleted = (await fixture.Service.DeleteAsync(Acme, "oximeter-0042")).Value!;
        var afterwards = (await fixture.Service.SetStatusAsync(Acme, "oximeter-0042", DeviceStatus.Enabled)).Error!;

        Assert.Equal(T0.AddDays(3), deleted.DeletedAt);
        var stored = (await fixture.Registry.FindAsync("oximeter-0042"))!;
        Assert.Equal(new DeviceBinding("oximeter-0042", "patient-1", T0, T0.AddDays(3)), Assert.Single(stored.Bindings));
        Assert.Equal(ApiError.DeviceDeleted, afterwards.Code);
        Assert.Equal(["created", "bound", "deleted"], (await fixture.Registry.HistoryAsync("oximeter-0042")).Select(c => c.Action));
    }

    [Fact]
    public async Task Bind_NurseOfThePatient_Bound_OtherTeamsNurse_CannotTakeTheDevice()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        var bound = (await fixture.Service.BindPatientAsync(Ward7Nurse, "oximeter-0042", "patient-1", T0)).Value!;
        var taken = (await fixture.Service.BindPatientAsync(Ward9Nurse, "oximeter-0042", "patient-2", T0.AddHours(1))).Error!;
        var unknownPatient = (await fixture.Service.BindPatientAsync(Ward7Nurse, "oximeter-0042", "patient-2", T0.AddHours(1))).Error!;

        Assert.Equal("patient-1", bound.PatientId);
        Assert.Equal(403, taken.Status);
        Assert.Equal(ApiError.PatientNotFound, unknownPatient.Code);
    }

    [Fact]
    public async Task Bind_DeviceMaker_Forbidden()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        Assert.Equal(403, (await fixture.Service.BindPatientAsync(Acme, "oximeter-0042", "patient-1", T0)).Error!.Status);
    }

    [Fact]
    public async Task Reassign_Admin_HistoryRoutesEachTimeToItsPatient()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();

        await fixture.Service.BindPatientAsync(Admin, "oximeter-0042", "patient-1", T0);
        await fixture.Service.BindPatientAsync(Admin, "oximeter-0042", "patient-2", T0.AddHours(6));
        var unbound = (await fixture.Service.UnbindPatientAsync(Admin, "oximeter-0042", T0.AddHours(9))).Value!;

        var bindings = (await fixture.Registry.FindAsync("oximeter-0042"))!.Bindings;
        Assert.Equal("patient-1", BindingHistory.PatientAt(bindings, T0.AddHours(5)));
        Assert.Equal("patient-2", BindingHistory.PatientAt(bindings, T0.AddHours(8)));
        Assert.Null(BindingHistory.PatientAt(bindings, T0.AddHours(10)));
        Assert.Null(unbound.PatientId);
        Assert.Equal(2, unbound.Bindings!.Count);
    }

    [Fact]
    public async Task DeviceView_ClinicianSeesOnlyTheirPatientsBindings_DeviceMakerNone()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync();
        await fixture.Service.BindPatientAsync(Admin, "oximeter-0042", "patient-2", T0);
        await fixture.Service.BindPatientAsync(Admin, "oximeter-0042", "patient-1", T0.AddHours(1));

        var nurse = (await fixture.Service.GetAsync(Ward7Nurse, "oximeter-0042")).Value!;
        var maker = (await fixture.Service.GetAsync(Acme, "oximeter-0042")).Value!;

        Assert.Equal(["patient-1"], nurse.Bindings!.Select(b => b.PatientId));
        Assert.Equal((null, null), (maker.PatientId, maker.Bindings));
    }

    [Fact]
    public async Task ExportCredentials_ConnectionStringWithThePrimaryKey_RecordedInHistory()
    {
        var fixture = new DeviceFixture();
        var device = await fixture.RegisterAsync();

        var credentials = Assert.Single((await fixture.Service.ExportCredentialsAsync(Acme, ["oximeter-0042"], Endpoints)).Value!);

        Assert.Equal($"HostName=iomt-hub.azure-devices.net;DeviceId=oximeter-0042;SharedAccessKey={device.Credentials.PrimaryKey}", credentials.ConnectionString);
        Assert.Equal(device.Credentials.SecondaryKey, credentials.SecondaryKey);
        Assert.Equal("credentials-exported", (await fixture.Registry.HistoryAsync("oximeter-0042"))[^1].Action);
    }

    [Fact]
    public async Task ExportCredentials_AnotherMakersDevice_NotFoundAndNothingExported()
    {
        var fixture = new DeviceFixture();
        await fixture.RegisterAsync("a");
        await fixture.Service.RegisterAsync(Globex, Oximeter("b") with { Manufacturer = "Globex" });

        var error = (await fixture.Service.ExportCredentialsAsync(Acme, ["a", "b"], Endpoints)).Error!;

        Assert.Equal((404, "device.not-found"), (error.Status, error.Code));
        Assert.DoesNotContain(await fixture.Registry.HistoryAsync("a"), c => c.Action == "credentials-exported");
    }
}
