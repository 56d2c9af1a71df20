using System.Text.Json;
using System.Text.Json.Serialization;

namespace IoMT.Client;

/// <summary>
/// Where a running local host can be reached, written by the host into its data folder (<c>cli-profile.json</c>) once it
/// listens, so that <c>iomt</c> finds it without flags on any port: the management API, the device gateway, and the
/// files that hold API tokens (the admin's, and the simulation's users').
/// </summary>
public sealed record LocalProfile(Uri Api, Uri Gateway, string AdminTokenFile, string? UsersFile)
{
    public const string FileName = "cli-profile.json";

    /// <summary>The host's data folder setting as an environment variable (<c>IoMT:DataDirectory</c>); the CLI reads the same one.</summary>
    public const string DataDirectoryVariable = "IoMT__DataDirectory";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The local host's data folder when none is configured: <c>IoMT.Cloud</c> in the user's local application data.</summary>
    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "IoMT.Cloud");

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The profile in <paramref name="dataDirectory"/>, or null when there is none or it cannot be read.</summary>
    public static LocalProfile? TryRead(string dataDirectory)
    {
        try
        {
            var profile = JsonSerializer.Deserialize<LocalProfile>(File.ReadAllBytes(Path.Combine(dataDirectory, FileName)), Json);
            return profile is { Api.IsAbsoluteUri: true, Gateway.IsAbsoluteUri: true, AdminTokenFile: not null } ? profile : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
