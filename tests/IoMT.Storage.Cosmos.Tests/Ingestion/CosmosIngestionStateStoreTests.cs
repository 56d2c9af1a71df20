using IoMT.Core.Pipeline;
using IoMT.Storage.Cosmos.Ingestion;
using IoMT.Testing;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Tests.Ingestion;

/// <summary>The ingestion state contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosIngestionStateStoreLiveTests : IngestionStateStoreContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IIngestionStateStore> CreateStoreAsync() =>
        new CosmosIngestionStateStore(await _live.CreateAsync(CosmosIngestionStateStore.Definition("ingestion-" + Guid.NewGuid().ToString("N"))), TimeSpan.FromDays(8));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}

public class CosmosIngestionStateStoreTests
{
    [Fact]
    public void Definition_PartitionedByPk_SightingsExpire_NothingIndexed()
    {
        var definition = CosmosIngestionStateStore.Definition("ingestion");

        Assert.Equal(("/pk", -1, IndexingMode.None), (definition.PartitionKeyPath, definition.DefaultTimeToLive, definition.IndexingPolicy.IndexingMode));
    }
}
