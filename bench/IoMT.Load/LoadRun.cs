using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using IoMT.Client;
using IoMT.Client.Simulation;

namespace IoMT.Load;

/// <summary>What to run: the rate over all devices, how long (after a warm-up that is not measured), how many devices, the seed.</summary>
public sealed record LoadSettings(double Rate, TimeSpan Duration, TimeSpan Warmup, int Devices, int Seed, double AlertsPerSecond, int Connections, bool ClearAlerts = true)
{
    public TimeSpan Total => Warmup + Duration;
}

/// <summary>
/// What a run measured; times in milliseconds, rates per second over the measured window (the warm-up excluded);
/// send → committed also for each 10 s of the window, by due time, to show whether a tail is steady or a passing backlog.
/// </summary>
public sealed record LoadResult(
    long Sent, long Accepted, long Failed, IReadOnlyDictionary<string, long> Statuses,
    double AcceptedPerSecond, double ReadingsPerSecond, double CommittedPerSecond,
    LatencySummary SendToAccepted, LatencySummary SendToCommitted, long NotCommitted, double DrainSeconds,
    int AlertsSent, LatencySummary ReadingToNotification, int AlertsNotNotified,
    double HostCpuCores, double DriverCpuCores, IReadOnlyList<LatencySummary> SendToCommittedEach10s);

/// <summary>
/// Provisions <see cref="LoadSettings.Devices"/> monitors (one patient each) through the management API, then sends
/// on an open-loop schedule (message <c>i</c> is due at <c>i / rate</c> seconds, whether or not earlier ones were
/// answered, so a slow host shows as latency rather than a slower schedule), and measures each message from its due
/// time to the gateway's answer and to its commit, and each alert reading to its first live notification.
/// </summary>
public sealed class LoadRun(Uri host, string dataDirectory, LoadSettings settings, TextWriter output)
{
    private long[] _due = [];
    private long[] _accepted = [];
    private long[] _committed = [];
    private int[] _status = [];

    /// <summary>Told of each message the gateway acknowledged (device id, message id, readings); for the crash loop's accounting.</summary>
    public Action<string, string, int>? OnAccepted { get; init; }

    /// <summary>Between sends, e.g. the crash loop killing and restarting the host; the run's CPU time is then not measured.</summary>
    public Func<TimeSpan, CancellationToken, Task>? During { get; init; }

    public Func<TimeSpan>? HostCpu { get; init; }

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin.token"), cancellationToken)).Trim();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };
        var devices = await ProvisionAsync(token, cancellationToken);
        output.WriteLine($"Provisioned {devices.Count:N0} devices; sending {settings.Rate:N0} messages/s for {settings.Warmup.TotalSeconds:0} s of warm-up and {settings.Duration.TotalSeconds:0} s measured.");

        var total = (int)(settings.Rate * settings.Total.TotalSeconds);
        (_due, _accepted, _committed, _status) = (new long[total], new long[total], new long[total], new int[total]);
        var alerts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var alertLatencies = new ConcurrentBag<double>();
        var alertsSent = 0;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var commits = new CommitWatch(Path.Combine(dataDirectory, "ingestion.db"), (i, at) => _committed[i] = _committed[i] == 0 ? at : _committed[i]).RunAsync(watching.Token);
        var live = new TaskCompletionSource();
        var measuredFrom = long.MaxValue;
        var notifications = new NotificationWatch(http, host, token, (patient, at) =>
        {
            if (alerts.TryRemove(patient, out var due) && due >= measuredFrom)
            {
                alertLatencies.Add(Clock.Milliseconds(due, at));
            }
        }).RunAsync(live, watching.Token);
        await live.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        var messages = new LoadMessages(devices.Count, settings.Rate, settings.AlertsPerSecond, settings.Seed, settings.ClearAlerts);
        var client = new IoTHubDeviceClient(http, host, TimeProvider.System);
        var sends = new List<Task>(total);
        var start = Clock.Now;
        measuredFrom = Clock.After(start, settings.Warmup);
        var period = Stopwatch.Frequency / settings.Rate;
        var (hostCpu, driverCpu) = (TimeSpan.Zero, TimeSpan.Zero);
        var during = During?.Invoke(settings.Total, cancellationToken) ?? Task.CompletedTask;
        for (var i = 0; i < total; i++)
        {
            _due[i] = start + (long)(i * period);
            while (Clock.Now < _due[i])
            {
                await Task.Delay(1, cancellationToken);
            }

            if (i == (int)(settings.Rate * settings.Warmup.TotalSeconds))
            {
                (hostCpu, driverCpu) = (HostCpu?.Invoke() ?? TimeSpan.Zero, Process.GetCurrentProcess().TotalProcessorTime);
            }

            var (device, connection) = devices[i % devices.Count];
            var (body, raises) = messages.Next(i, device.DeviceId, DateTimeOffset.UtcNow);
            if (raises)
            {
                alertsSent += _due[i] >= measuredFrom ? 1 : 0;
                alerts[device.Patient.PatientId] = _due[i];
            }

            sends.Add(SendAsync(client, connection, i, body, device.DeviceId, cancellationToken));
        }

        var sentEnd = Clock.Now;
        var (hostCpuEnd, driverCpuEnd) = (HostCpu?.Invoke() ?? TimeSpan.Zero, Process.GetCurrentProcess().TotalProcessorTime);
        await Task.WhenAll(sends);
        await during;
        var drainStart = Clock.Now;
        for (var waited = 0; waited < 1200 && Enumerable.Range(0, total).Any(i => _accepted[i] != 0 && _committed[i] == 0); waited++)
        {
            await Task.Delay(100, cancellationToken);
        }

        var drained = Clock.Now;
        for (var waited = 0; waited < 100 && alerts.Values.Any(due => due >= measuredFrom); waited++)
        {
            await Task.Delay(100, cancellationToken);
        }

        await watching.CancelAsync();
        await Task.WhenAll(commits, notifications).ContinueWith(_ => { }, TaskScheduler.Default);

        var measured = Enumerable.Range(0, total).Where(i => _due[i] >= measuredFrom).ToList();
        var accepted = measured.Where(i => _accepted[i] != 0).ToList();
        var window = Clock.Milliseconds(measuredFrom, sentEnd) / 1000;
        var windowEnd = measuredFrom + (sentEnd - measuredFrom);
        return new LoadResult(
            Sent: measured.Count,
            Accepted: accepted.Count,
            Failed: measured.Count - accepted.Count,
            Statuses: measured.GroupBy(i => _status[i] == 0 ? "network" : _status[i].ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => (long)g.Count()),
            AcceptedPerSecond: Math.Round(accepted.Count / window, 1),
            ReadingsPerSecond: Math.Round(accepted.Count * LoadMessages.ReadingsPerMessage / window, 1),
            CommittedPerSecond: Math.Round(Enumerable.Range(0, total).Count(i => _committed[i] >= measuredFrom && _committed[i] <= windowEnd) / window, 1),
            SendToAccepted: LatencySummary.Of(accepted.Select(i => Clock.Milliseconds(_due[i], _accepted[i]))),
            SendToCommitted: LatencySummary.Of(accepted.Where(i => _committed[i] != 0).Select(i => Clock.Milliseconds(_due[i], _committed[i]))),
            NotCommitted: accepted.Count(i => _committed[i] == 0),
            DrainSeconds: Math.Round(Clock.Milliseconds(drainStart, drained) / 1000, 1),
            AlertsSent: alertsSent,
            ReadingToNotification: LatencySummary.Of(alertLatencies),
            AlertsNotNotified: alerts.Values.Count(due => due >= measuredFrom),
            HostCpuCores: Math.Round((hostCpuEnd - hostCpu).TotalSeconds / window, 2),
            DriverCpuCores: Math.Round((driverCpuEnd - driverCpu).TotalSeconds / window, 2),
            SendToCommittedEach10s: [.. accepted.Where(i => _committed[i] != 0)
                .GroupBy(i => (int)(Clock.Milliseconds(measuredFrom, _due[i]) / 10_000))
                .OrderBy(g => g.Key)
                .Select(g => LatencySummary.Of(g.Select(i => Clock.Milliseconds(_due[i], _committed[i]))))]);
    }

    private async Task SendAsync(IoTHubDeviceClient client, DeviceConnection connection, int index, string body, string deviceId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var status = await client.SendEventAsync(connection, LoadMessages.MessageId(index), body, cancellationToken);
            _status[index] = (int)status;
            if (status == HttpStatusCode.NoContent)
            {
                _accepted[index] = Clock.Now;
                OnAccepted?.Invoke(deviceId, LoadMessages.MessageId(index), LoadMessages.ReadingsPerMessage);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _status[index] = 0;
        }
    }

    private async Task<IReadOnlyList<(SimulatedDevice Device, DeviceConnection Connection)>> ProvisionAsync(string token, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var plan = SimulationPlan.Create(new SimulationOptions(settings.Devices, [Scenarios.Normal], TimeSpan.FromMinutes(2), settings.Seed));
        return await new SimulationProvisioner(new ManagementClient(http)).ProvisionAsync(plan, host.Authority, null, cancellationToken);
    }
}
