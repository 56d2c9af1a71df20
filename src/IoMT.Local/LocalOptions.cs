namespace IoMT.Local;

/// <summary>Settings of the local host (section <c>IoMT</c>; command line <c>--IoMT:DataDirectory=…</c>).</summary>
public sealed class LocalOptions
{
    public const string SectionName = "IoMT";

    /// <summary>Folder holding all local data. Empty means the per-user application data folder.</summary>
    public string DataDirectory { get; set; } = "";

    public string ResolveDataDirectory() =>
        string.IsNullOrWhiteSpace(DataDirectory)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "IoMT.Cloud")
            : Path.GetFullPath(DataDirectory);
}
