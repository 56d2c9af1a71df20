using System.Net;
using IoMT.Client;
using IoMT.Local.Tests;

namespace IoMT.Cli.Tests;

/// <summary>How `iomt` finds the API, the gateway and a token without flags: options, IOMT_* variables, the running local host's profile.</summary>
public sealed class LocalProfileTests : IDisposable
{
    private const string HealthyBody = """{"status":"Healthy","version":"1","checks":[]}""";
    private readonly TempDirectory _data = new();
    private readonly StubHandler _http = new(new(HttpStatusCode.OK, HealthyBody));

    public LocalProfileTests()
    {
        var tokenFile = _data.Write("admin.token", "admin-secret\n");
        var address = new Uri("http://127.0.0.1:47123/");
        File.WriteAllBytes(Path.Combine(_data.Path, LocalProfile.FileName), new LocalProfile(address, address, tokenFile, null).ToJson());
    }

    [Fact]
    public async Task NoOptionNoVariable_TheRunningLocalHostsAddressAndAdminToken()
    {
        var (exitCode, _, error) = await RunAsync([], "fhir", "export", "--patient", "p-1");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Equal(new Uri("http://127.0.0.1:47123/api/patients/p-1/fhir"), _http.LastRequestUri);
        Assert.Equal("Bearer admin-secret", _http.LastAuthorization);
    }

    [Fact]
    public async Task VariablesOverTheProfile_OptionsOverTheVariables()
    {
        var variables = new Dictionary<string, string> { ["IOMT_API"] = "https://iomt.example.org", ["IOMT_TOKEN"] = "from-variable" };

        await RunAsync(variables, "fhir", "export", "--patient", "p-1");
        Assert.Equal(new Uri("https://iomt.example.org/api/patients/p-1/fhir"), _http.LastRequestUri);
        Assert.Equal("Bearer from-variable", _http.LastAuthorization);

        await RunAsync(variables, "fhir", "export", "--patient", "p-1", "--api", "https://other.example.org/", "--token", "from-option");
        Assert.Equal(new Uri("https://other.example.org/api/patients/p-1/fhir"), _http.LastRequestUri);
        Assert.Equal("Bearer from-option", _http.LastAuthorization);
    }

    [Fact]
    public async Task AnotherApi_TheLocalAdminTokenIsNeverSentThere()
    {
        var (exitCode, _, error) = await RunAsync(new() { ["IOMT_API"] = "https://iomt.example.org/" }, "fhir", "export", "--patient", "p-1");

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("No API token", error, StringComparison.Ordinal);
        Assert.Null(_http.LastRequestUri);
    }

    [Fact]
    public async Task GatewayVariable_WhereSimulatedDevicesSend()
    {
        await RunAsync(new() { ["IOMT_GATEWAY"] = "http://127.0.0.1:47999", ["IOMT_TOKEN"] = "t" }, "simulate", "--patients", "1", "--scenario", "normal", "--duration", "1s");

        Assert.StartsWith("http://127.0.0.1:47999/", _http.LastRequestUri!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IOMT_API", "health")]
    [InlineData("IOMT_GATEWAY", "simulate")]
    public async Task MalformedVariable_UsageErrorNamingIt(string variable, string command)
    {
        var (exitCode, _, error) = await RunAsync(new() { [variable] = "not a url" }, command);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains($"{variable} must be an absolute http(s) URL", error, StringComparison.Ordinal);
        Assert.Null(_http.LastRequestUri);
    }

    [Fact]
    public async Task NoProfile_TheDefaultLocalAddress()
    {
        var (exitCode, _, _) = await CliRunner.RunAsync(_http, "health");

        Assert.Equal(0, exitCode);
        Assert.Equal(new Uri("http://127.0.0.1:5080/api/health"), _http.LastRequestUri);
    }

    [Fact]
    public async Task HostOnAnyPort_WritesItsProfile_AndIomtFindsIt()
    {
        await using var host = await RunningHost.StartAsync();
        var profile = LocalProfile.TryRead(host.DataDirectory);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await CliApp.RunAsync(["users", "list"], new CliEnvironment(TextReader.Null, output, error,
            Variables: name => name == LocalProfile.DataDirectoryVariable ? host.DataDirectory : null));

        Assert.Equal(host.Address, profile!.Api);
        Assert.Equal(Path.Combine(host.DataDirectory, "admin.token"), profile.AdminTokenFile);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(host.DataDirectory, LocalProfile.FileName)));
        }

        Assert.True(exitCode == 0, error.ToString());
        Assert.Contains("admin", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _http.Dispose();
        _data.Dispose();
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(Dictionary<string, string> variables, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        variables[LocalProfile.DataDirectoryVariable] = _data.Path;
        var exitCode = await CliApp.RunAsync(args, new CliEnvironment(TextReader.Null, output, error, _http, Variables: variables.GetValueOrDefault));
        return (exitCode, output.ToString(), error.ToString());
    }
}
