using Azure.Core;
using IoMT.Core.Devices;
using IoMT.Core.Notifications;
using IoMT.Notifications;
using Microsoft.Azure.Devices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Devices;

public static class CloudToDeviceServiceCollectionExtensions
{
    /// <summary>
    /// Cloud-to-device messages in Azure: sent through IoT Hub's service API with the app's identity, recorded in Cosmos
    /// DB (registered by the Cosmos storage), their outcome taken from IoT Hub's feedback; the management routes' service,
    /// and the <c>device</c> notification channel with its delivery records, where patients' reminders go by default.
    /// </summary>
    public static IServiceCollection AddCloudToDevice(this IServiceCollection services)
    {
        services.AddSingleton(provider => ServiceClient.Create(
            provider.GetRequiredService<IOptions<AzureDeviceOptions>>().Value.IoTHubHostName, provider.GetRequiredService<TokenCredential>()));
        services.AddSingleton<IoTHubCloudToDevice>();
        services.AddSingleton<ICloudToDeviceSender>(provider => provider.GetRequiredService<IoTHubCloudToDevice>());
        services.AddSingleton<ICloudToDeviceFeedbackSource>(provider => provider.GetRequiredService<IoTHubCloudToDevice>());
        services.AddSingleton<RecordedCloudToDeviceMessages>();
        services.AddSingleton<ICloudToDeviceMessages>(provider => provider.GetRequiredService<RecordedCloudToDeviceMessages>());
        services.AddSingleton<CloudToDeviceService>();
        services.AddSingleton<DeviceDeliveryRecorder>();
        services.AddSingleton<CloudToDeviceFeedbackDrain>();
        services.AddSingleton<DeviceChannel>();
        services.AddSingleton<INotificationChannel>(provider => provider.GetRequiredService<DeviceChannel>());
        services.AddPatientRemindersOnDevices();
        return services;
    }
}
