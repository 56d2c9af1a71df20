namespace IoMT.Load.Tests;

/// <summary>
/// The load, crash-loop and fuzz runs at a scale CI affords (seconds, not minutes), against IoMT.Local started as its
/// own process: the same code as the full runs, so a change that breaks them fails here first.
/// </summary>
public sealed class ShortRunTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("iomt-load-tests-");

    [Fact]
    public async Task Load_EveryAcknowledgedMessageIsCommitted_AndEveryAlertNotified()
    {
        var settings = new LoadSettings(Rate: 200, Duration: TimeSpan.FromSeconds(6), Warmup: TimeSpan.FromSeconds(2), Devices: 40, Seed: 1, AlertsPerSecond: 2, Connections: 40);
        using var log = new StringWriter();
        using var host = await HostProcess.StartAsync(HostProcess.FreeLoopback(), Path.Combine(_work.FullName, "data"), [], log, CancellationToken.None);

        var result = await new LoadRun(host.Address, host.DataDirectory, settings, TextWriter.Null) { HostCpu = host.CpuTime }.RunAsync(CancellationToken.None);
        host.Stop();

        Assert.Equal(1200, result.Sent);
        Assert.Equal(result.Sent, result.Accepted);
        Assert.Equal(0, result.NotCommitted);
        Assert.Equal(result.Accepted, result.SendToCommitted.Count);
        Assert.InRange(result.AlertsSent, 8, 16);
        Assert.Equal(result.AlertsSent, result.ReadingToNotification.Count);
        Assert.Equal(0, result.AlertsNotNotified);
        Assert.True(result.SendToAccepted.P50 <= result.SendToCommitted.P50);

        // The host's CPU per message is its CPU over the window shared among the messages accepted in it.
        Assert.True(result.HostCpuMicrosecondsPerMessage > 0);
        Assert.InRange(result.HostCpuMicrosecondsPerMessage * result.AcceptedPerSecond / 1e6, result.HostCpuCores - 0.006, result.HostCpuCores + 0.006);
        Assert.Equal("https", result.Transport);
        Assert.Null(result.Connect);
    }

    [Fact]
    public async Task AuditFlood_UnauthenticatedRandomIds_AuditBarelyGrows_AndTheDenialStaysOnTheFirstPage()
    {
        using var log = new StringWriter();
        using var host = await HostProcess.StartAsync(HostProcess.FreeLoopback(), Path.Combine(_work.FullName, "data"), [], log, CancellationToken.None);

        var result = await new AuditFlood(host, requests: 3_000, concurrency: 8, TextWriter.Null).RunAsync(CancellationToken.None);
        host.Stop();

        Assert.Equal(3_000, result.Statuses["401"]);
        Assert.True(result.DenialOnFirstPage);
        Assert.InRange(result.UnauthenticatedEventsOnFirstPage, 1, 6);
        Assert.InRange(result.AuditBytesAdded, 0, 100_000);
    }

    [Fact]
    public async Task Load_OverMqtt_EveryMessagePubAckedAndCommitted_RefusedConnectionsCounted()
    {
        var settings = new LoadSettings(Rate: 200, Duration: TimeSpan.FromSeconds(4), Warmup: TimeSpan.FromSeconds(1), Devices: 40, Seed: 1, AlertsPerSecond: 2, Connections: 40, Transport: "mqtt");
        using var log = new StringWriter();
        using var host = await HostProcess.StartAsync(HostProcess.FreeLoopback(), Path.Combine(_work.FullName, "data"), [], log, CancellationToken.None);
        var port = await host.MqttPortAsync(CancellationToken.None);

        var result = await new LoadRun(host.Address, host.DataDirectory, settings, TextWriter.Null) { HostCpu = host.CpuTime, MqttPort = port }.RunAsync(CancellationToken.None);
        SendOutcome refused;
        ConnectReport? refusedConnections;
        await using (var forged = new MqttTransport(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), Path.Combine(host.DataDirectory, "iot-hub-ca.pem"), "localhost", DateTimeOffset.UtcNow.AddHours(1)))
        {
            await forged.ConnectAsync([new IoMT.Client.DeviceConnection("monitor-forged", "localhost", Convert.ToBase64String(new byte[32]))], CancellationToken.None);
            refused = await forged.SendAsync(0, "forged-1", "{}", CancellationToken.None);
            refusedConnections = forged.Connections;
        }

        host.Stop();

        Assert.Equal("mqtt", result.Transport);
        Assert.Equal(800, result.Sent);
        Assert.Equal(result.Sent, result.Accepted);
        Assert.Equal(result.Sent, result.Statuses[MqttTransport.Accepted]);
        Assert.Equal(0, result.NotCommitted);
        Assert.Equal(result.Accepted, result.SendToCommitted.Count);
        Assert.Equal(0, result.AlertsNotNotified);
        Assert.Equal(40, result.Connect!.Connected);
        Assert.Equal(40, result.Connect.PerDevice.Count);
        Assert.Empty(result.Connect.Failures);
        Assert.Equal(0, result.Connect.LostDuringRun);
        Assert.Equal(new SendOutcome(false, MqttTransport.ConnectRefused), refused);
        Assert.Equal(0, refusedConnections!.Connected);
        Assert.Equal(1, refusedConnections.Failures.Values.Sum());
    }

    [Fact]
    public async Task CrashLoop_TwoKills_NothingLostNothingDoubled_EscalationsRunAfterRestart()
    {
        var settings = new LoadSettings(Rate: 100, Duration: TimeSpan.FromSeconds(16), Warmup: TimeSpan.Zero, Devices: 30, Seed: 2, AlertsPerSecond: 1, Connections: 30, ClearAlerts: false);
        using var log = new StringWriter();

        var result = await new CrashLoop(Path.Combine(_work.FullName, "data"), settings, kills: 2, TextWriter.Null).RunAsync(HostProcess.FreeLoopback(), log, CancellationToken.None);

        Assert.True(result.Passed, $"{result}\n{log}");
        Assert.Equal(2, result.Kills);
        Assert.InRange(result.Acknowledged, 1000, 1600);
        Assert.True(result.AlertsRaised >= 5, $"{result.AlertsRaised} alerts");
    }

    [Fact]
    public void Fuzz_TwentyThousandMessages_NoExceptionAndEveryRejectionCoded()
    {
        var result = FuzzRun.Run(20_000, seed: 7);

        Assert.True(result.Passed, result.ToString());
        Assert.Equal(20_000, result.Statuses.Values.Sum());
        Assert.True(result.Codes.Count > 10, "the mutations reach many error codes");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _work.Delete(recursive: true);
    }
}
