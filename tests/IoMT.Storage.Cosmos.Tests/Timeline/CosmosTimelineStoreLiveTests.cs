using IoMT.Core.Timeline;
using IoMT.Storage.Cosmos.Timeline;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Timeline;

/// <summary>The timeline store contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosTimelineStoreLiveTests : TimelineStoreContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override bool PurgesExplicitly => false;

    protected override async Task<ITimelineStore> CreateStoreAsync() =>
        new CosmosTimelineStore(await _live.CreateAsync(CosmosTimelineDocumentContainer.Definition("timeline-" + Guid.NewGuid().ToString("N"))), TimeProvider.System);

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}
