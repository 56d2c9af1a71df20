using IoMT.Core.Escalation;
using IoMT.Storage.Cosmos.Escalation;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Escalation;

/// <summary>The escalation store contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosEscalationStoreLiveTests : EscalationStoreContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IEscalationStore> CreateStoreAsync() =>
        new CosmosEscalationStore(await _live.CreateAsync(CosmosEscalationStore.Definition("alerts-" + Guid.NewGuid().ToString("N"))), new ManualClock(T0));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}
