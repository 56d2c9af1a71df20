using IoMT.Core.Devices;
using IoMT.Core.Patients;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Directory;

/// <summary>The Cosmos DB registry's logic against the device registry contract, through the in-memory container twin.</summary>
public class CosmosDeviceRegistryTests : DeviceRegistryContract
{
    private readonly InMemoryDirectoryContainer _container = new();

    protected override Task<IDeviceRegistry> CreateRegistryAsync() => Task.FromResult<IDeviceRegistry>(new CosmosDeviceRegistry(_container));

    [Fact]
    public async Task Patients_ListedByCareTeamInIdOrder()
    {
        var patients = new CosmosPatientDirectory(_container);
        await patients.SaveAsync(new Core.Patients.PatientRecord("patient-2", ["ward-7"]));
        await patients.SaveAsync(new Core.Patients.PatientRecord("patient-1", ["ward-9", "ward-7"]));
        await patients.SaveAsync(new Core.Patients.PatientRecord("patient-3", ["ward-9"]));

        Assert.Equal(["patient-1", "patient-2"], (await patients.ListAsync(["ward-7"], 10)).Select(p => p.Id));
        Assert.Equal(["patient-1", "patient-2"], (await patients.ListAsync(null, 2)).Select(p => p.Id));
    }

    [Fact]
    public async Task Update_SomeoneElseChangedTheItemInBetween_RefusedByETag()
    {
        await Registry.CreateAsync([Device("d")], "acme");
        var read = (await Registry.FindAsync("d"))!;
        await _container.UpsertAsync("device:d", DirectoryDocuments.Device(read with { Model = "changed elsewhere" }), CancellationToken.None);

        Assert.True(await Registry.UpdateAsync(read with { Version = 2 }, new DeviceChange(T0, "a", "x")));
        Assert.False(await Registry.UpdateAsync(read with { Version = 2 }, new DeviceChange(T0, "a", "y")));
    }

    [Fact]
    public async Task PatientDirectory_SavedFoundReplaced()
    {
        var patients = new CosmosPatientDirectory(_container);

        await patients.SaveAsync(new PatientRecord("patient-1", ["ward-7"]));
        await patients.SaveAsync(new PatientRecord("patient-1", ["ward-9", "copd-clinic"]));

        Assert.Equal(["ward-9", "copd-clinic"], (await patients.FindAsync("patient-1"))!.CareTeams);
        Assert.Null(await patients.FindAsync("patient-2"));
    }
}
