using System.ComponentModel.DataAnnotations;

namespace IoMT.Storage.Cosmos;

/// <summary>Where the timeline database lives. Access is by the host's managed identity; there is no key setting.</summary>
public sealed class CosmosOptions
{
    public const string SectionName = "Cosmos";

    /// <summary>Account endpoint, e.g. <c>https://cosmos-iomt-abc123.documents.azure.com:443/</c>.</summary>
    [Required, Url]
    public string AccountEndpoint { get; set; } = "";

    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "DatabaseName may hold letters, digits, '-' and '_' only.")]
    public string DatabaseName { get; set; } = "iomt";

    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "TimelineContainer may hold letters, digits, '-' and '_' only.")]
    public string TimelineContainer { get; set; } = "timeline";

    /// <summary>Devices, their history, enrollment groups and patients.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "DirectoryContainer may hold letters, digits, '-' and '_' only.")]
    public string DirectoryContainer { get; set; } = "directory";

    /// <summary>What ingestion keeps between batches: patients' monitoring states and the message ids seen per device.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "IngestionContainer may hold letters, digits, '-' and '_' only.")]
    public string IngestionContainer { get; set; } = "ingestion";

    /// <summary>How long a device's message id is remembered to recognize a resend: longer than Event Hubs keeps events (7 days on Standard).</summary>
    [Range(1, 90)]
    public int SeenMessagesDays { get; set; } = 8;

    /// <summary>Workflow state the API reads (Durable Functions hosts): alerts' escalation states, snooze scopes, medication schedules.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "WorkflowsContainer may hold letters, digits, '-' and '_' only.")]
    public string WorkflowsContainer { get; set; } = "workflows";

    /// <summary>What the app sends to devices through IoT Hub: its record of each cloud-to-device message, and the device channel's deliveries.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "CloudToDeviceContainer may hold letters, digits, '-' and '_' only.")]
    public string CloudToDeviceContainer { get; set; } = "cloud-to-device";
}
