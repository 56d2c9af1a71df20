using IoMT.Core.Patients;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Directory;

public sealed class CosmosClinicalSettingsStoreTests : ClinicalSettingsStoreContract
{
    private readonly InMemoryDirectoryContainer _container = new();

    protected override Task<IClinicalSettingsStore> CreateStoreAsync() => Task.FromResult<IClinicalSettingsStore>(new CosmosClinicalSettingsStore(_container));

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

/// <summary>The clinical settings contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>), in a directory container.</summary>
public sealed class CosmosClinicalSettingsStoreLiveTests : ClinicalSettingsStoreContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IClinicalSettingsStore> CreateStoreAsync() =>
        new CosmosClinicalSettingsStore(await _live.CreateAsync(CosmosDirectoryContainer.Definition("directory-" + Guid.NewGuid().ToString("N"))));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}
