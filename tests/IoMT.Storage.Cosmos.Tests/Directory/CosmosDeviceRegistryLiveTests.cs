using IoMT.Core.Devices;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Directory;

/// <summary>The device registry contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosDeviceRegistryLiveTests : DeviceRegistryContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IDeviceRegistry> CreateRegistryAsync() =>
        new CosmosDeviceRegistry(await _live.CreateAsync(CosmosDirectoryContainer.Definition("directory-" + Guid.NewGuid().ToString("N"))));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}
