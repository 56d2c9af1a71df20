using IoMT.Core.Patients;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Directory;

public sealed class CosmosClinicalSettingsStoreTests : ClinicalSettingsStoreContract
{
    private readonly InMemoryDirectoryContainer _container = new();

    public CosmosClinicalSettingsStoreTests()
    {
        Store = new CosmosClinicalSettingsStore(_container);
    }

    protected override IClinicalSettingsStore Store { get; }

    [Fact]
    public async Task Save_SettingsAndChangeInThePatientsPartition_ChangeIdsByVersion()
    {
        await Store.SaveAsync("patient-1", Change(0, Copd));
        await Store.SaveAsync("patient-1", Change(1, HeartFailure));

        var settings = (await _container.ReadAsync("patient:patient-1", "clinicalSettings:patient-1", CancellationToken.None))!.Json;
        Assert.Equal((CosmosClinicalSettingsStore.SettingsType, 2L), ((string?)settings["type"], (long)settings["version"]!));
        var second = (await _container.ReadAsync("patient:patient-1", "clinicalSettingsChange:patient-1:0000000002", CancellationToken.None))!.Json;
        Assert.Equal((CosmosClinicalSettingsStore.ChangeType, "dr-who"), ((string?)second["type"], (string?)second["actor"]));
        Assert.Equal(2, (int)second["previous"]!["spo2Scale"]!);
    }
}
