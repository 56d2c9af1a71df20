using System.Diagnostics;
using IoMT.Client.Simulation;
using IoMT.Core.Access;
using IoMT.Core.Enrichment;
using IoMT.Core.Patients;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Storage.Sqlite;
using IoMT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace IoMT.Local.Tests;

/// <summary>
/// The care console in a real browser: tests/browser/console.spec.mjs drives Debian's Chromium (or Google Chrome where
/// that is what the machine has) with Playwright against the running host and its simulation. `dotnet test` at the repository root installs both;
/// outside CI the test is skipped when they are missing.
/// Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output)
{
    private static readonly string? Chromium = new[] { "/usr/bin/chromium", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
    private static readonly string Scripts = RepositoryPaths.Combine("tests", "browser");

    [SkippableFact]
    public async Task Console_DesaturationInTheInbox_AcknowledgeStopsEscalation_OtherWardSeesNothing()
    {
        var ready = Chromium is not null && Directory.Exists(Path.Combine(Scripts, "node_modules", "playwright-core"));
        Skip.If(!ready && Environment.GetEnvironmentVariable("CI") != "true",
            "Needs Debian's Chromium (apt-get install chromium) and `npm ci --prefix tests/browser`; `dotnet test` at the repository root installs both.");

        await using var host = await RunningHost.StartAsync();
        var nurse = await host.TokenOfAsync("nurse");
        var directory = host.Services.GetRequiredService<SqliteDirectory>();
        await directory.SaveUserAsync(new LocalUser("nurse-ward-9", [Role.Nurse], ["ward-9"]));
        var other = await directory.IssueTokenAsync("nurse-ward-9", "browser test", DateTimeOffset.UtcNow);

        // Two more patients of the ward: one at home whose oximeter measures SpO2 and pulse only (an incomplete NEWS2), one
        // whose every parameter scored 0 but SpO2 91 % (3) three hours ago: a single parameter scoring 3, low-medium.
        var threeHoursAgo = DateTimeOffset.UtcNow.AddHours(-3);
        const string HomePatient = "home-patient-1", LowMediumPatient = "ward-patient-3";
        await directory.SaveAsync(new PatientRecord(HomePatient, [SimulationOptions.CareTeam]) { DisplayName = "Hana Home", Location = new PatientLocation { Home = true } });
        await directory.SaveAsync(new PatientRecord(LowMediumPatient, [SimulationOptions.CareTeam]) { DisplayName = "Lowe Medium" });
        await host.Services.GetRequiredService<ITimelineStore>().AppendAsync("browser-test", [
            TimelineRecords.From(new News2Entry(HomePatient, DateTimeOffset.UtcNow, News2.Score(new News2Input(null, 96, 1, null, null, 72, null, null)), [])),
            TimelineRecords.From(new News2Entry(LowMediumPatient, threeHoursAgo, News2.Score(new News2Input(16, 91, 1, false, 120, 72, "A", 37)), [])),
            TimelineRecords.From(new ReadingEntry(LowMediumPatient, new MessageSource("monitor-3", "message-1", threeHoursAgo, "0:1"), 0,
                new QuantityReading(ReadingKind.Spo2, threeHoursAgo, 91, "%"))),
        ]);

        var start = new ProcessStartInfo("node", [Path.Combine(Scripts, "console.spec.mjs")])
        {
            WorkingDirectory = Scripts,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["IOMT_URL"] = host.Address.ToString(),
                ["NURSE_TOKEN"] = nurse,
                ["OTHER_TOKEN"] = other,
                ["PHYSICIAN_TOKEN"] = await host.TokenOfAsync("physician"),
                ["HOME_PATIENT"] = HomePatient,
                ["LOW_MEDIUM_PATIENT"] = LowMediumPatient,
                ["SCREENSHOTS"] = RepositoryPaths.Combine("TestResults", "screenshots"),
                ["CHROMIUM"] = Chromium!,
            },
        };
        using var node = Process.Start(start)!;
        var (stdout, stderr) = (node.StandardOutput.ReadToEndAsync(), node.StandardError.ReadToEndAsync());
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.True(node.ExitCode == 0, $"The browser test failed:\n{await stdout}\n{await stderr}");
    }
    [SkippableFact]
    public async Task UsersPage_AdminAddsAUserIssuesAndRevokesAToken_NurseHasNoUsersPage()
    {
        var ready = Chromium is not null && Directory.Exists(Path.Combine(Scripts, "node_modules", "playwright-core"));
        Skip.If(!ready && Environment.GetEnvironmentVariable("CI") != "true",
            "Needs Debian's Chromium (apt-get install chromium) and `npm ci --prefix tests/browser`; `dotnet test` at the repository root installs both.");

        await using var host = await RunningHost.StartAsync();
        var start = new ProcessStartInfo("node", [Path.Combine(Scripts, "users.spec.mjs")])
        {
            WorkingDirectory = Scripts,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["IOMT_URL"] = host.Address.ToString(),
                ["ADMIN_TOKEN"] = (await File.ReadAllTextAsync(Path.Combine(host.DataDirectory, "admin.token"))).Trim(),
                ["NURSE_TOKEN"] = await host.TokenOfAsync("nurse"),
                ["SCREENSHOTS"] = RepositoryPaths.Combine("TestResults", "screenshots"),
                ["CHROMIUM"] = Chromium!,
            },
        };
        using var node = Process.Start(start)!;
        var (stdout, stderr) = (node.StandardOutput.ReadToEndAsync(), node.StandardError.ReadToEndAsync());
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);

        Assert.True(node.ExitCode == 0, $"The browser test failed:\n{await stdout}\n{await stderr}");
    }
}
