using IoMT.Core.Timeline;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Cli.Tests;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly LocalHostCli _cli = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Simulate_ProvisionedThroughTheApi_ReadingsReachThePatientsTimelines(bool dps)
    {
        string[] args = ["simulate", "--gateway", "http://localhost/", "--patients", "2", "--scenario", "normal,hypoglycemia", "--duration", "4s"];

        var (exitCode, output, error) = await _cli.RunAsync(_cli.Admin, dps ? [.. args, "--dps"] : args);

        Assert.True(exitCode == 0, output + error);
        Assert.Contains("sim-patient-002: hypoglycemia (monitor, cgm)", output, StringComparison.Ordinal);
        Assert.Matches(@"Done: (\d+) sent, \1 accepted, 0 failed \(204: \1\)", output);
        var timeline = _cli.Host.Services.GetRequiredService<ITimelineStore>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = await timeline.QueryAsync(new TimelineQuery("sim-patient-002", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, [TimelineEntryType.Reading]));
            if (page.Items.Any(r => r.Code == "glucose"))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("No glucose reading reached sim-patient-002's timeline.");
    }

    [Fact]
    public async Task Simulate_UnknownScenario_UsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Admin, "simulate", "--scenario", "zombie");

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("Unknown scenario 'zombie'", error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
