using System.Net;

namespace IoMT.Cli.Tests;

public class HealthCommandTests
{
    [Fact]
    public async Task Health_HealthyApi_PrintsStatusAndChecksAndExits0()
    {
        using var http = new StubHandler(new(HttpStatusCode.OK,
            """{"status":"Healthy","version":"0.1.0+abc","checks":[{"name":"cosmos","status":"Healthy","durationMs":3.2,"description":"Database 'iomt' is reachable."}]}"""));

        var (exitCode, output, _) = await CliRunner.RunAsync(http, "health", "--api", "https://iomt.example.org/");

        Assert.Equal(0, exitCode);
        Assert.Equal(new Uri("https://iomt.example.org/api/health"), http.LastRequestUri);
        Assert.Contains("Healthy (version 0.1.0+abc)", output, StringComparison.Ordinal);
        Assert.Contains("cosmos: Healthy — Database 'iomt' is reachable.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_UnhealthyApi_Exits1()
    {
        using var http = new StubHandler(new(HttpStatusCode.ServiceUnavailable, """{"status":"Unhealthy","version":"0.1.0","checks":[]}"""));

        var (exitCode, output, _) = await CliRunner.RunAsync(http, "health");

        Assert.Equal(1, exitCode);
        Assert.Contains("Unhealthy", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("health", "--api", "not a url")]
    [InlineData("health", "--api", "ftp://host/")]
    [InlineData("no-such-command")]
    public async Task UsageError_Exits2WithMessage(params string[] args)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(null, args);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.NotEmpty(error);
    }
}
