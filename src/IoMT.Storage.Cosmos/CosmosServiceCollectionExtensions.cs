using Azure.Core;
using IoMT.Core.Devices;
using IoMT.Core.Mapping;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Storage.Cosmos.Devices;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Storage.Cosmos.Ingestion;
using IoMT.Storage.Cosmos.Timeline;
using IoMT.Storage.Cosmos.Workflows;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Storage.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    public const string HealthCheckName = "cosmos";

    /// <summary>
    /// Registers a singleton <see cref="CosmosClient"/> authenticated with the <see cref="TokenCredential"/> the host
    /// registered (a managed identity in Azure), its options (section <see cref="CosmosOptions.SectionName"/>, validated
    /// at start), the timeline store, the device registry (<see cref="CosmosDeviceRegistry"/>, which the host may wrap),
    /// the patient directory, patients' clinical settings, the ingestion state, the workflow store, the record of cloud-to-device messages and device deliveries, and the Cosmos health check. The host registers a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddCosmosStorage(this IServiceCollection services)
    {
        services.AddOptions<CosmosOptions>()
            .BindConfiguration(CosmosOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(provider => new CosmosClient(
            provider.GetRequiredService<IOptions<CosmosOptions>>().Value.AccountEndpoint,
            provider.GetRequiredService<TokenCredential>(),
            new CosmosClientOptions { ApplicationName = IoMT.Core.ProductInfo.Name }));

        services.AddSingleton<ITimelineStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            var container = provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.TimelineContainer);
            return new CosmosTimelineStore(container, provider.GetRequiredService<TimeProvider>());
        });

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosDeviceRegistry(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.DirectoryContainer));
        });
        services.AddSingleton<IPatientDirectory>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosPatientDirectory(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.DirectoryContainer));
        });
        services.AddSingleton<IClinicalSettingsStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosClinicalSettingsStore(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.DirectoryContainer));
        });
        services.AddSingleton<IMappingStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosMappingStore(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.DirectoryContainer));
        });

        services.AddSingleton<IIngestionStateStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosIngestionStateStore(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.IngestionContainer),
                TimeSpan.FromDays(options.SeenMessagesDays));
        });
        services.AddSingleton<IWorkflowStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosWorkflowStore(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.WorkflowsContainer),
                provider.GetRequiredService<TimeProvider>());
        });

        services.AddSingleton<ICloudToDeviceLog>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosCloudToDeviceLog(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.CloudToDeviceContainer),
                provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IDeviceDeliveryStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CosmosOptions>>().Value;
            return new CosmosDeviceDeliveryStore(provider.GetRequiredService<CosmosClient>().GetContainer(options.DatabaseName, options.CloudToDeviceContainer));
        });

        services.AddHealthChecks().AddCheck<CosmosHealthCheck>(HealthCheckName);
        return services;
    }
}
