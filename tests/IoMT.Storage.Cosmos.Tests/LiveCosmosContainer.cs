using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Tests;

/// <summary>
/// A container of its own in a real Cosmos DB account, for the live contract tests: only when IOMT_COSMOS_ENDPOINT
/// names one (signed in with DefaultAzureCredential; the identity needs the Cosmos DB Built-in Data Contributor role and
/// permission to create containers in database IOMT_COSMOS_DATABASE, default "iomt-tests"). Deleted afterwards.
/// </summary>
internal sealed class LiveCosmosContainer : IAsyncDisposable
{
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("IOMT_COSMOS_ENDPOINT");

    private CosmosClient? _client;
    private Container? _container;

    public static string? SkipReason => string.IsNullOrEmpty(Endpoint)
        ? "Cosmos DB contract tests run only when IOMT_COSMOS_ENDPOINT is set (no Cosmos DB emulator on this machine)."
        : null;

    public async Task<Container> CreateAsync(ContainerProperties definition)
    {
        _client = new CosmosClient(Endpoint, new DefaultAzureCredential());
        var database = (await _client.CreateDatabaseIfNotExistsAsync(Environment.GetEnvironmentVariable("IOMT_COSMOS_DATABASE") ?? "iomt-tests")).Database;
        _container = (await database.CreateContainerIfNotExistsAsync(definition)).Container;
        return _container;
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DeleteContainerAsync();
        }

        _client?.Dispose();
    }
}
