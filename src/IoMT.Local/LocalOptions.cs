namespace IoMT.Local;

/// <summary>Settings of the local host (section <c>IoMT</c>; command line <c>--IoMT:DataDirectory=…</c>).</summary>
public sealed class LocalOptions
{
    public const string SectionName = "IoMT";

    /// <summary>Folder holding all local data. Empty means the per-user application data folder.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// The host name devices put in their tokens and connection strings (IoT Hub's <c>HostName</c>). Empty means the
    /// host and port they call, e.g. <c>127.0.0.1:5080</c>.
    /// </summary>
    public string GatewayHostName { get; set; } = "";

    /// <summary>Run the built-in simulation (<c>--simulate</c>); unset: only while the host has no devices (a first run).</summary>
    public bool? Simulate { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int SimulatedPatients { get; set; } = 9;

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

    public string ResolveDataDirectory() =>
        string.IsNullOrWhiteSpace(DataDirectory)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "IoMT.Cloud")
            : Path.GetFullPath(DataDirectory);
}
