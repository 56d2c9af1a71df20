using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using IoMT.Functions.Devices;
using IoMT.Functions.Tests.Devices;
using IoMT.Functions.Workflows;
using IoMT.Notifications;
using IoMT.Storage.Cosmos;
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
    public void AddIoMTFunctions_PatientFollowUps_ToTheConsoleAndTheDevice_UnlessConfigured()
    {
        using var byDefault = Build([]);
        using var configured = Build(new() { ["Workflows:PatientFollowUpChannels:0"] = "teams" });

        Assert.Equal(["console", "device"], byDefault.GetRequiredService<IOptions<WorkflowOptions>>().Value.PatientFollowUpChannels);
        Assert.Equal(["console"], byDefault.GetRequiredService<IOptions<WorkflowOptions>>().Value.CaregiverFollowUpChannels);
        Assert.DoesNotContain("device", configured.GetRequiredService<IOptions<WorkflowOptions>>().Value.PatientFollowUpChannels);
        Assert.Contains("teams", configured.GetRequiredService<IOptions<WorkflowOptions>>().Value.PatientFollowUpChannels);
    }

    /// <summary>Every required setting, with IoT Hub's registry and service clients faked (their stand-ins cannot connect).</summary>
    private static ServiceProvider BuildWithIoTHub()
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
        return services.BuildServiceProvider();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        return services.AddIoMTFunctions().BuildServiceProvider();
    }
}
