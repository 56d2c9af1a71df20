using System.Net;
using System.Net.Http.Headers;

namespace IoMT.Local.Tests;

public class DataDirectoryTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void FirstStart_FolderAndDatabasesReadableByTheOwnerOnly()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permissions.");
        using var factory = new LocalHostFactory();
        using var client = factory.CreateClient();

        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(factory.DataDirectory));
        Assert.All(new[] { "timelines.db", "directory.db", "admin.token" },
            name => Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(Path.Combine(factory.DataDirectory, name))));
    }

    [Fact]
    public async Task Restart_AfterTheTokenFileWasDeleted_NewWorkingAdminToken()
    {
        using var first = new LocalHostFactory();
        first.CreateClient().Dispose();
        var path = Path.Combine(first.DataDirectory, "admin.token");
        var oldToken = File.ReadAllText(path).Trim();
        File.Delete(path);
        File.WriteAllText(path + ".partial", "left over from a crash");

        using var second = new LocalHostFactory { ReuseDataDirectory = first.DataDirectory };
        using var client = second.CreateClient();
        var newToken = File.ReadAllText(path).Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/patients/nobody/fhir", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", newToken);
        using var response = await client.SendAsync(request);

        Assert.NotEqual(oldToken, newToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(File.Exists(path + ".partial"));
    }
    [Theory]
    [InlineData("")]
    [InlineData("not a token\n")]
    [InlineData("iomt_revokedOrFromAnotherDirectory\n")]
    public async Task Restart_WithAnEmptyOrInvalidTokenFile_NewWorkingAdminToken(string contents)
    {
        using var first = new LocalHostFactory();
        first.CreateClient().Dispose();
        var path = Path.Combine(first.DataDirectory, "admin.token");
        File.WriteAllText(path, contents);

        using var second = new LocalHostFactory { ReuseDataDirectory = first.DataDirectory };
        using var client = second.CreateClient();
        var newToken = File.ReadAllText(path).Trim();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/me", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", newToken);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(contents.Trim(), newToken);
    }

    [Fact]
    public async Task Restart_WithAWorkingTokenFile_KeepsTheToken()
    {
        using var first = new LocalHostFactory();
        first.CreateClient().Dispose();
        var path = Path.Combine(first.DataDirectory, "admin.token");
        var token = await File.ReadAllTextAsync(path);

        using var second = new LocalHostFactory { ReuseDataDirectory = first.DataDirectory };
        second.CreateClient().Dispose();

        Assert.Equal(token, await File.ReadAllTextAsync(path));
    }
}
