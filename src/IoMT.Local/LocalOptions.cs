namespace IoMT.Local;

/// <summary>Settings of the local host (section <c>IoMT</c>; command line <c>--IoMT:DataDirectory=…</c>).</summary>
public sealed class LocalOptions
{
    public const string SectionName = "IoMT";

    /// <summary>Folder holding all local data. Empty means the per-user application data folder.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// The local hub's host name (IoT Hub's <c>HostName</c>): named by connection strings, DPS assignments and the
    /// device endpoints' server certificate; never with a port (devices use 443 and 8883). Devices' tokens may name it
    /// or the host they call.
    /// </summary>
    [System.ComponentModel.DataAnnotations.RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$",
        ErrorMessage = "IoMT:GatewayHostName must be a host name without a port or scheme, e.g. localhost or gateway.ward7.local.")]
    public string GatewayHostName { get; set; } = "localhost";

    /// <summary>The port of the devices' HTTPS endpoint (IoT Hub's 443); 0: any free port.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 65535)]
    public int DeviceHttpsPort { get; set; } = 443;

    /// <summary>The port of the devices' MQTT-over-TLS endpoint (IoT Hub's 8883); 0: any free port.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 65535)]
    public int DeviceMqttPort { get; set; } = 8883;

    /// <summary>The HTTPS port used when <see cref="DeviceHttpsPort"/> cannot be bound (then any free port); 0: any free port.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 65535)]
    public int DeviceHttpsFallbackPort { get; set; } = 8443;

    /// <summary>The MQTT port used when <see cref="DeviceMqttPort"/> cannot be bound (then any free port); 0: any free port.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 65535)]
    public int DeviceMqttFallbackPort { get; set; } = 18883;

    /// <summary>The address the device endpoints listen on: loopback by default; <c>0.0.0.0</c> or <c>::</c> for every interface.</summary>
    public string DeviceBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Run the built-in simulation (<c>--simulate</c>); unset: only while the host has no devices (a first run).</summary>
    public bool? Simulate { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int SimulatedPatients { get; set; } = 11;

    /// <summary>How long one round of each simulated scenario takes.</summary>
    public TimeSpan SimulationCycle { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Messages a device may send per second on average; above it the gateway answers 429 (other devices are not affected).</summary>
    [System.ComponentModel.DataAnnotations.Range(0.1, 100_000)]
    public double DeviceMessagesPerSecond { get; set; } = 10;

    /// <summary>Messages a device may send at once (after a reconnect, say) before its average limit applies.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int DeviceMessageBurst { get; set; } = 100;

    /// <summary>How long processed messages stay in the ingestion log (to rebuild what a power cut lost), in days.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3650)]
    public int IngestionLogRetentionDays { get; set; } = 30;

    /// <summary>
    /// The data folder, created if needed. On Unix a folder this creates is accessible to its owner only (it holds
    /// health data); an existing folder keeps its permissions (it may be shared on purpose), and the host warns when
    /// others can open it.
    /// </summary>
    public (string Path, bool OpenToOthers) CreateDataDirectory()
    {
        var path = ResolveDataDirectory();
        if (OperatingSystem.IsWindows())
        {
            return (Directory.CreateDirectory(path).FullName, false);
        }

        const UnixFileMode OthersAndGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var directory = Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (directory.FullName, (directory.UnixFileMode & OthersAndGroup) != 0);
    }

    /// <summary>The hub's host name: <see cref="GatewayHostName"/>, or <c>localhost</c> when it is set empty.</summary>
    public string HubHostName() => string.IsNullOrWhiteSpace(GatewayHostName) ? "localhost" : GatewayHostName.Trim();

    /// <summary>
    /// The host names a device's token may name, whatever host the device called: the hub's, and <c>localhost</c> (the
    /// name a device on the same machine uses). A token signed for any other hub is refused.
    /// </summary>
    public string[] TokenHostNames() => [.. new[] { HubHostName(), "localhost" }.Distinct(StringComparer.OrdinalIgnoreCase)];

    public string ResolveDataDirectory() =>
        string.IsNullOrWhiteSpace(DataDirectory) ? IoMT.Client.LocalProfile.DefaultDataDirectory() : Path.GetFullPath(DataDirectory);
}
