using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Mapping;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Core.Workflows;
using IoMT.Functions.Devices;
using IoMT.Functions.Tests.Devices;
using IoMT.Functions.Workflows;
using IoMT.Notifications;
using IoMT.Storage.Cosmos;
using IoMT.Storage.Cosmos.Directory;
using IoMT.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Tests;

public class FunctionsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddIoMTFunctions_RegistersCosmosHealthCheck()
    {
        using var provider = Build(new() { ["Cosmos:AccountEndpoint"] = "https://cosmos-test.documents.azure.com:443/" });

        var registrations = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.Contains(registrations, r => r.Name == CosmosServiceCollectionExtensions.HealthCheckName);
        Assert.Equal("iomt", provider.GetRequiredService<IOptions<CosmosOptions>>().Value.DatabaseName);
    }

    [Fact]
    public void AddIoMTFunctions_MissingCosmosEndpoint_FailsValidationWithTheSettingName()
    {
        using var provider = Build([]);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CosmosOptions>>().Value);

        Assert.Contains(nameof(CosmosOptions.AccountEndpoint), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIoMTFunctions_MissingDeviceSettings_FailValidationNamingEachSetting()
    {
        using var provider = Build(new() { ["Devices:IoTHubHostName"] = "iomt-hub.azure-devices.net" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AzureDeviceOptions>>().Value);

        Assert.DoesNotContain(nameof(AzureDeviceOptions.IoTHubHostName), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AzureDeviceOptions.DpsIdScope), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AzureDeviceOptions.DpsServiceHostName), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AzureDeviceOptions.AllocationWebhookUrl), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIoMTFunctions_AlertApiAndWorkflowActivities_ResolveInARequestScope()
    {
        using var provider = BuildWithIoTHub();
        using var scope = provider.CreateScope();

        Assert.IsType<DurableAlertWorkflows>(scope.ServiceProvider.GetRequiredService<IAlertWorkflows>());
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<AlertService>());
        Assert.NotNull(ActivatorUtilities.CreateInstance<WorkflowActivities>(scope.ServiceProvider));
        Assert.Contains(provider.GetServices<INotificationChannel>(), c => c.Serves("console"));
    }

    [Fact]
    public void AddIoMTFunctions_CloudToDevice_ThroughIoTHubWithTheDeviceChannelAndTheFeedbackFunction()
    {
        using var provider = BuildWithIoTHub();

        Assert.IsType<RecordedCloudToDeviceMessages>(provider.GetRequiredService<ICloudToDeviceMessages>());
        Assert.IsType<IoTHubCloudToDevice>(provider.GetRequiredService<ICloudToDeviceSender>());
        Assert.Contains(provider.GetServices<INotificationChannel>(), c => c.Serves("device"));
        Assert.NotNull(provider.GetRequiredService<CloudToDeviceService>());
        Assert.NotNull(ActivatorUtilities.CreateInstance<CloudToDeviceFeedbackFunction>(provider));
    }

    [Fact]
    public void AddIoMTFunctions_TwinRoutes_ServedOverIoTHubsTwins_WithNoListenerOfOurOwn()
    {
        using var provider = BuildWithIoTHub();

        Assert.IsType<IoTHubTwinStore>(provider.GetRequiredService<IDeviceTwinStore>());
        Assert.NotNull(provider.GetRequiredService<DeviceTwinService>());
        Assert.Empty(provider.GetServices<IDesiredPropertiesListener>());
    }

    [Fact]
    public void AddIoMTFunctions_NoDeadLetterContainer_FailsValidationNamingIt()
    {
        using var provider = Build([]);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IoMT.Functions.Ingestion.AzureIngestionOptions>>().Value);

        Assert.Contains(nameof(IoMT.Functions.Ingestion.AzureIngestionOptions.DeadLetterContainerUri), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIoMTFunctions_InvalidEscalationPolicy_FailsValidationNamingIt()
    {
        using var provider = Build(new() { ["Workflows:Policies:0:Id"] = "night" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WorkflowOptions>>().Value);

        Assert.Contains("Workflows:Policies:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIoMTFunctions_FollowUps_PatientsToTheDevice_CaregiversToTheirProfilesAddresses_UnlessConfigured()
    {
        using var byDefault = Build([]);
        using var configured = Build(new() { ["Workflows:PatientFollowUpChannels:0"] = "teams", ["Workflows:CaregiverFollowUpChannels:0"] = "sms" });

        Assert.Equal(["console", "device"], byDefault.GetRequiredService<IOptions<WorkflowOptions>>().Value.PatientFollowUpChannels);
        Assert.Equal(["console", "caregiver"], byDefault.GetRequiredService<IOptions<WorkflowOptions>>().Value.CaregiverFollowUpChannels);
        Assert.Equal(["console"], byDefault.GetRequiredService<IOptions<WorkflowOptions>>().Value.CoordinatorFollowUpChannels);
        Assert.DoesNotContain("device", configured.GetRequiredService<IOptions<WorkflowOptions>>().Value.PatientFollowUpChannels);
        Assert.Contains("teams", configured.GetRequiredService<IOptions<WorkflowOptions>>().Value.PatientFollowUpChannels);
        Assert.DoesNotContain("caregiver", configured.GetRequiredService<IOptions<WorkflowOptions>>().Value.CaregiverFollowUpChannels);
    }

    [Fact]
    public async Task AddIoMTFunctions_ClinicalSettings_InCosmos_AndIngestionScoresByThem()
    {
        using var cosmos = BuildWithIoTHub();
        Assert.IsType<CosmosClinicalSettingsStore>(cosmos.GetRequiredService<IClinicalSettingsStore>());
        Assert.NotNull(cosmos.GetRequiredService<ClinicalSettingsService>());

        // The same registrations with the stores in memory: a Scale 2 patient at 89 % on air scores 0 for SpO2, not 3.
        var timeline = new InMemoryTimelineStore();
        var settings = new InMemoryClinicalSettingsStore();
        var devices = new InMemoryDeviceRegistry();
        using var provider = BuildWithIoTHub(services => services
            .AddSingleton<IClinicalSettingsStore>(settings).AddSingleton<IDeviceRegistry>(devices).AddSingleton<ITimelineStore>(timeline)
            .AddSingleton<IIngestionStateStore>(new InMemoryIngestionStateStore()).AddSingleton<IMappingStore>(new InMemoryMappingStore())
            .AddScoped<IWorkflowEventSink, RecordingWorkflowEventSink>());
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        await devices.CreateAsync([new DeviceRecord
        {
            Id = "oximeter-1", Manufacturer = "Acme Medical", Model = "PulseOx 2", Kinds = ["spo2"], Credentials = DeviceCredentials.NewKeys(),
            Bindings = [new DeviceBinding("oximeter-1", "copd-1", at.AddDays(-1), null)], CreatedAt = at.AddDays(-1), UpdatedAt = at.AddDays(-1),
        }], "admin");
        await settings.SaveAsync("copd-1", new ClinicalSettingsChange(at, "dr-who", "COPD", ClinicalSettings.Default, new ClinicalSettings { Spo2Scale = 2 }));
        using var scope = provider.CreateScope();

        await scope.ServiceProvider.GetRequiredService<BatchIngestion>().ProcessAsync([new TelemetryMessage("oximeter-1", "m-1").Spo2(89, at).Received(at, "0:1")]);

        var score = Assert.Single(timeline.All, r => r.Type == TimelineEntryType.News2);
        Assert.Equal(0, TimelineJson.Deserialize<News2Data>(score.Data).Scores.Spo2);
    }

    /// <summary>Every required setting, with IoT Hub's registry and service clients faked (their stand-ins cannot connect).</summary>
    private static ServiceProvider BuildWithIoTHub(Action<IServiceCollection>? replace = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cosmos:AccountEndpoint"] = "https://cosmos-test.documents.azure.com:443/",
            ["Devices:IoTHubHostName"] = "iomt-hub.azure-devices.net",
            ["Devices:DpsIdScope"] = "0ne00000000",
            ["Devices:DpsServiceHostName"] = "iomt-dps.azure-devices-provisioning.net",
            ["Devices:AllocationWebhookUrl"] = "https://iomt-func.azurewebsites.net/api/dps/allocate",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddIoMTFunctions();
        services.AddSingleton<Microsoft.Azure.Devices.RegistryManager>(new FakeIoTHub());
        services.AddSingleton<Microsoft.Azure.Devices.ServiceClient>(new FakeServiceClient());
        replace?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        return services.AddIoMTFunctions().BuildServiceProvider();
    }
}
