namespace IoMT.Testing;

/// <summary>Locates files of this repository from a test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IoMT.Cloud.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"IoMT.Cloud.sln not found above {AppContext.BaseDirectory}.");
    }
}
