using Azure.Core;
using Azure.Identity;
using IoMT.Api;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Fhir;
using IoMT.Core.Mapping;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Devices;
using IoMT.Functions.Ingestion;
using IoMT.Functions.Workflows;
using IoMT.Notifications;
using IoMT.Storage.Cosmos;
using IoMT.Storage.Cosmos.Directory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>Everything the function classes need. Identity-based access only: no connection strings, no keys.</summary>
    public static IServiceCollection AddIoMTFunctions(this IServiceCollection services)
    {
        // In Azure, AZURE_CLIENT_ID selects the app's user-assigned managed identity; locally, developer sign-in is used.
        services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton(TimeProvider.System);
        services.AddCosmosStorage();

        services.AddOptions<EntraAccessOptions>().BindConfiguration(EntraAccessOptions.SectionName);
        services.AddOptions<AzureDeviceOptions>().BindConfiguration(AzureDeviceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider => Microsoft.Azure.Devices.RegistryManager.Create(
            provider.GetRequiredService<IOptions<AzureDeviceOptions>>().Value.IoTHubHostName, provider.GetRequiredService<TokenCredential>()));
        services.AddSingleton(provider => new DpsEnrollmentGroups(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }),
            provider.GetRequiredService<TokenCredential>(),
            provider.GetRequiredService<IOptions<AzureDeviceOptions>>().Value));
        services.AddSingleton<IDeviceRegistry>(provider => new AzureDeviceRegistry(
            provider.GetRequiredService<CosmosDeviceRegistry>(), provider.GetRequiredService<Microsoft.Azure.Devices.RegistryManager>(), provider.GetRequiredService<DpsEnrollmentGroups>()));
        services.AddSingleton<IGatewayEndpoints, AzureGatewayEndpoints>();
        services.AddSingleton<DeviceService>();
        // Without twins: IoT Hub has no twin before DPS creates the identity, after the allocation webhook answers; the
        // webhook hands DPS the initial twin instead.
        services.AddSingleton(provider => new DeviceGateway(provider.GetRequiredService<IDeviceRegistry>(), provider.GetRequiredService<TimeProvider>()));
        // Twins are IoT Hub's own. No IDesiredPropertiesListener is registered: IoT Hub itself notifies the connected
        // device of every desired-properties patch.
        services.AddSingleton<IDeviceTwinStore, IoTHubTwinStore>();
        services.AddSingleton<DeviceTwinService>();
        services.AddCloudToDevice();
        services.AddSingleton<PatientService>();
        services.AddSingleton(provider => new ClinicalProfiles(provider.GetRequiredService<IClinicalSettingsStore>()));
        services.AddSingleton<ClinicalSettingsService>();
        services.AddSingleton<FhirExport>();
        AddWorkflows(services);
        AddIngestion(services);
        return services;
    }

    /// <summary>The Event Hubs ingestion: the same batch contract as the local host, its retries and dead-letter container.</summary>
    private static void AddIngestion(IServiceCollection services)
    {
        services.AddOptions<AzureIngestionOptions>().BindConfiguration(AzureIngestionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EnrichmentOptions>().BindConfiguration(EnrichmentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<EnrichmentOptions>>().Value);
        services.AddSingleton<IDeadLetter>(provider => new BlobDeadLetter(new Azure.Storage.Blobs.BlobContainerClient(
            new Uri(provider.GetRequiredService<IOptions<AzureIngestionOptions>>().Value.DeadLetterContainerUri), provider.GetRequiredService<TokenCredential>())));
        services.AddScoped<IWorkflowEventSink, DurableEventSink>();
        services.AddSingleton<MappingCatalog>();
        services.AddSingleton<MappingService>();
        services.AddScoped<BatchIngestion>();
    }

    /// <summary>
    /// The Durable escalation and adherence workflows: their settings (section <c>Workflows</c>, checked at start), the
    /// effects their activities run, the notification channels (the console's is the inbox), and the alert API over them.
    /// </summary>
    private static void AddWorkflows(IServiceCollection services)
    {
        services.AddOptions<WorkflowOptions>().BindConfiguration(WorkflowOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddIoMTNotifications();
        services.AddSingleton<INotificationChannel, InboxChannel>();
        services.AddCaregiverFollowUps();
        services.AddSingleton<WorkflowEffectRunner>();
        services.AddSingleton<DurableWorkflows>();
        services.AddScoped<DurableClientAccessor>();
        services.AddScoped<IAlertWorkflows, DurableAlertWorkflows>();
        services.AddScoped<AlertService>();
        services.AddScoped<IMedicationSchedules, DurableMedicationSchedules>();
        services.AddScoped<AdherenceService>();
        services.AddScoped<PatientOverviewService>();
        services.AddScoped<DeviceSilenceWatch>();
    }
}
