using System.ComponentModel.DataAnnotations;

namespace IoMT.Functions.Devices;

/// <summary>Where devices connect in Azure (section <c>Devices</c>; infra/ sets every value from the deployed resources).</summary>
public sealed class AzureDeviceOptions
{
    public const string SectionName = "Devices";

    /// <summary>The IoT Hub devices send to, e.g. <c>iomt-hub.azure-devices.net</c>.</summary>
    [Required]
    public string IoTHubHostName { get; set; } = "";

    /// <summary>The Device Provisioning Service's id scope, e.g. <c>0ne00ABCDEF</c>.</summary>
    [Required]
    public string DpsIdScope { get; set; } = "";

    /// <summary>The DPS service endpoint (enrollment groups), e.g. <c>iomt-dps.azure-devices-provisioning.net</c>.</summary>
    [Required]
    public string DpsServiceHostName { get; set; } = "";

    /// <summary>Where devices register.</summary>
    public string DpsDeviceHostName { get; set; } = "global.azure-devices-provisioning.net";

    /// <summary>
    /// The URL (with its function key) of this app's <c>dps/allocate</c> function, set on every enrollment group so that
    /// DPS registrations create the device in the directory too. A secret: keep it in Key Vault.
    /// </summary>
    [Required]
    public string AllocationWebhookUrl { get; set; } = "";
}
