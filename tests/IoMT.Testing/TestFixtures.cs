namespace IoMT.Testing;

/// <summary>Reads fixture files copied next to the test assembly (a project's Fixtures folder).</summary>
public static class TestFixtures
{
    public static string PathOf(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static byte[] Read(params string[] parts) => File.ReadAllBytes(PathOf(parts));
}
