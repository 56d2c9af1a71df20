using Azure.Identity;
using IoMT.Core.Devices;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos.Tests.Directory;

/// <summary>The device registry contract against a real Cosmos DB account, when IOMT_COSMOS_ENDPOINT names one (see CosmosTimelineStoreLiveTests).</summary>
public sealed class CosmosDeviceRegistryLiveTests : DeviceRegistryContract
{
    private static readonly string? Endpoint = Environment.GetEnvironmentVariable("IOMT_COSMOS_ENDPOINT");

    private CosmosClient? _client;
    private Container? _container;

    protected override string? SkipReason => string.IsNullOrEmpty(Endpoint)
        ? "Cosmos DB contract tests run only when IOMT_COSMOS_ENDPOINT is set (no Cosmos DB emulator on this machine)."
        : null;

    protected override async Task<IDeviceRegistry> CreateRegistryAsync()
    {
        _client = new CosmosClient(Endpoint, new DefaultAzureCredential());
        var database = (await _client.CreateDatabaseIfNotExistsAsync(Environment.GetEnvironmentVariable("IOMT_COSMOS_DATABASE") ?? "iomt-tests")).Database;
        _container = (await database.CreateContainerIfNotExistsAsync(CosmosDirectoryContainer.Definition("directory-" + Guid.NewGuid().ToString("N")))).Container;
        return new CosmosDeviceRegistry(_container);
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
