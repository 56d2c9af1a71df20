using IoMT.Core.Workflows;
using IoMT.Storage.Cosmos.Workflows;
using IoMT.Testing;

namespace IoMT.Storage.Cosmos.Tests.Workflows;

/// <summary>The escalation store contract against a real Cosmos DB account (see <see cref="LiveCosmosContainer"/>).</summary>
public sealed class CosmosWorkflowStoreLiveTests : WorkflowStoreContract
{
    private readonly LiveCosmosContainer _live = new();

    protected override string? SkipReason => LiveCosmosContainer.SkipReason;

    protected override async Task<IWorkflowStore> CreateStoreAsync() =>
        new CosmosWorkflowStore(await _live.CreateAsync(CosmosWorkflowStore.Definition("alerts-" + Guid.NewGuid().ToString("N"))), new ManualClock(T0));

    public override async Task DisposeAsync()
    {
        await _live.DisposeAsync();
        await base.DisposeAsync();
    }
}
