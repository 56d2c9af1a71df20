using Azure.Identity;
using IoMT.Core.Timeline;
using IoMT.Storage.Cosmos.Timeline;
using IoMT.Testing;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Tests.Timeline;

/// <summary>
/// The contract against a real Cosmos DB account, when IOMT_COSMOS_ENDPOINT names one (signed in with
/// DefaultAzureCredential; the identity needs the Cosmos DB Built-in Data Contributor role and permission to create
/// containers in database IOMT_COSMOS_DATABASE, default "iomt-tests"). Each test uses a container of its own.
/// </summary>
public sealed class CosmosTimelineStoreLiveTests : TimelineStoreContract
{
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("IOMT_COSMOS_ENDPOINT");

    private CosmosClient? _client;
    private Container? _container;

    protected override string? SkipReason => string.IsNullOrEmpty(Endpoint)
        ? "Cosmos DB contract tests run only when IOMT_COSMOS_ENDPOINT is set (no Cosmos DB emulator on this machine)."
        : null;

    protected override bool PurgesExplicitly => false;

    protected override async Task<ITimelineStore> CreateStoreAsync()
    {
        _client = new CosmosClient(Endpoint, new DefaultAzureCredential());
        var database = (await _client.CreateDatabaseIfNotExistsAsync(Environment.GetEnvironmentVariable("IOMT_COSMOS_DATABASE") ?? "iomt-tests")).Database;
        _container = (await database.CreateContainerIfNotExistsAsync(CosmosTimelineDocumentContainer.Definition("timeline-" + Guid.NewGuid().ToString("N")))).Container;
        return new CosmosTimelineStore(_container, TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DeleteContainerAsync();
        }

        _client?.Dispose();
        await base.DisposeAsync();
    }
}
