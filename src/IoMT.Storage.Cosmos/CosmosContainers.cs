using IoMT.Storage.Cosmos.Devices;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Storage.Cosmos.Ingestion;
using IoMT.Storage.Cosmos.Timeline;
using IoMT.Storage.Cosmos.Workflows;
using Microsoft.Azure.Cosmos;

namespace IoMT.Storage.Cosmos;

/// <summary>
/// Every container the app uses, as it must be created. The app cannot create them itself (its identity has data-plane
/// access only), so infra/app/cosmos.bicep declares the same containers and a test keeps the two equal.
/// </summary>
public static class CosmosContainers
{
    public static IReadOnlyList<ContainerProperties> Definitions(CosmosOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            CosmosTimelineDocumentContainer.Definition(options.TimelineContainer),
            CosmosDirectoryContainer.Definition(options.DirectoryContainer),
            CosmosWorkflowStore.Definition(options.WorkflowsContainer),
            CosmosIngestionStateStore.Definition(options.IngestionContainer),
            CosmosCloudToDeviceContainer.Definition(options.CloudToDeviceContainer),
        ];
    }
}
