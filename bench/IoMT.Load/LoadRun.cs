using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using IoMT.Client;
using IoMT.Client.Simulation;

namespace IoMT.Load;

/// <summary>
/// What to run: the rate over all devices, how long (after a warm-up that is not measured), how many devices, the seed;
/// how devices send (<c>https</c>: IoT Hub's HTTPS protocol on a pool of <see cref="Connections"/> connections;
/// <c>mqtt</c>: its MQTT dialect over TLS, one connection per device).
/// </summary>
public sealed record LoadSettings(double Rate, TimeSpan Duration, TimeSpan Warmup, int Devices, int Seed, double AlertsPerSecond, int Connections, bool ClearAlerts = true, string Transport = "https")
{
    public static readonly IReadOnlyList<string> Transports = ["https", "mqtt"];

    public TimeSpan Total => Warmup + Duration;
}

/// <summary>
/// What a run measured; times in milliseconds, rates per second over the measured window (the warm-up excluded);
/// send → committed also for each 10 s of the window, by due time, to show whether a tail is steady or a passing backlog.
/// <see cref="Statuses"/> counts every measured message by what became of it (the transport's statuses, e.g. <c>204</c> or
/// <c>puback</c>); <see cref="Connect"/> is how the devices connected before the schedule began (MQTT).
/// </summary>
public sealed record LoadResult(
    long Sent, long Accepted, long Failed, IReadOnlyDictionary<string, long> Statuses,
    double AcceptedPerSecond, double ReadingsPerSecond, double CommittedPerSecond,
    LatencySummary SendToAccepted, LatencySummary SendToCommitted, long NotCommitted, double DrainSeconds,
    int AlertsSent, LatencySummary ReadingToNotification, int AlertsNotNotified,
    double HostCpuCores, double DriverCpuCores, double HostCpuMicrosecondsPerMessage, IReadOnlyList<LatencySummary> SendToCommittedEach10s,
    string Transport, ConnectReport? Connect);

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
    private string?[] _status = [];

    /// <summary>Told of each message the gateway acknowledged (device id, message id, readings); for the crash loop's accounting.</summary>
    public Action<string, string, int>? OnAccepted { get; init; }

    /// <summary>Between sends, e.g. the crash loop killing and restarting the host; the run's CPU time is then not measured.</summary>
    public Func<TimeSpan, CancellationToken, Task>? During { get; init; }

    public Func<TimeSpan>? HostCpu { get; init; }

    /// <summary>The host's MQTT-over-TLS port on loopback (<see cref="HostProcess.MqttPortAsync"/>), for the <c>mqtt</c> transport.</summary>
    public int MqttPort { get; init; }

    /// <summary>The host name devices sign their tokens for (and MQTT devices connect to): the hub's (<c>IoMT:GatewayHostName</c>, <c>localhost</c> by default).</summary>
    public string HubHostName { get; init; } = "localhost";

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        var token = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "admin.token"), cancellationToken)).Trim();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };
        var devices = await ProvisionAsync(token, cancellationToken);
        output.WriteLine($"Provisioned {devices.Count:N0} devices.");
        await using var transport = CreateTransport(http);
        await transport.ConnectAsync([.. devices.Select(d => d.Connection)], cancellationToken);
        if (transport.Connections is { } connections)
        {
            output.WriteLine($"Connected {connections.Connected:N0} of {connections.Devices:N0} devices over {transport.Name} in {connections.Seconds:0.00} s (each: {connections.PerDevice})"
                + (connections.Failures.Count == 0 ? "." : $"; failed: {string.Join(", ", connections.Failures.Select(f => $"{f.Key} × {f.Value}"))}."));
        }

        output.WriteLine($"Sending {settings.Rate:N0} messages/s over {transport.Name} for {settings.Warmup.TotalSeconds:0} s of warm-up and {settings.Duration.TotalSeconds:0} s measured.");

        var total = (int)(settings.Rate * settings.Total.TotalSeconds);
        (_due, _accepted, _committed, _status) = (new long[total], new long[total], new long[total], new string?[total]);
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

            var (device, _) = devices[i % devices.Count];
            var (body, raises) = messages.Next(i, device.DeviceId, DateTimeOffset.UtcNow);
            if (raises)
            {
                alertsSent += _due[i] >= measuredFrom ? 1 : 0;
                alerts[device.Patient.PatientId] = _due[i];
            }

            sends.Add(SendAsync(transport, i % devices.Count, i, body, device.DeviceId, cancellationToken));
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
            Statuses: measured.GroupBy(i => _status[i] ?? "network").ToDictionary(g => g.Key, g => (long)g.Count()),
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
            HostCpuMicrosecondsPerMessage: accepted.Count == 0 ? 0 : Math.Round((hostCpuEnd - hostCpu).TotalMicroseconds / accepted.Count, 1),
            SendToCommittedEach10s: [.. accepted.Where(i => _committed[i] != 0)
                .GroupBy(i => (int)(Clock.Milliseconds(measuredFrom, _due[i]) / 10_000))
                .OrderBy(g => g.Key)
                .Select(g => LatencySummary.Of(g.Select(i => Clock.Milliseconds(_due[i], _committed[i]))))],
            Transport: transport.Name,
            Connect: transport.Connections);
    }

    private ILoadTransport CreateTransport(HttpClient http) => settings.Transport switch
    {
        "https" => new HttpsTransport(http, host, HubHostName),
        "mqtt" => new MqttTransport(
            new IPEndPoint(IPAddress.Loopback, MqttPort > 0 ? MqttPort : throw new InvalidOperationException("The mqtt transport needs the host's MQTT port (MqttPort).")),
            Path.Combine(dataDirectory, "iot-hub-ca.pem"),
            HubHostName,
            // Valid for the whole run (connecting, warm-up, the measured window, the drain), as a device renews its token before it ends.
            DateTimeOffset.UtcNow + settings.Total + TimeSpan.FromMinutes(30)),
        _ => throw new InvalidOperationException($"Unknown transport '{settings.Transport}' (https or mqtt)."),
    };

    private async Task SendAsync(ILoadTransport transport, int device, int index, string body, string deviceId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var outcome = await transport.SendAsync(device, LoadMessages.MessageId(index), body, cancellationToken);
        _status[index] = outcome.Status;
        if (outcome.Accepted)
        {
            _accepted[index] = Clock.Now;
            OnAccepted?.Invoke(deviceId, LoadMessages.MessageId(index), LoadMessages.ReadingsPerMessage);
        }
    }

    private async Task<IReadOnlyList<(SimulatedDevice Device, DeviceConnection Connection)>> ProvisionAsync(string token, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // Its own prefix: the host retires its built-in simulation's devices (sim-…) at each start, and a load run outlives restarts.
        var plan = SimulationPlan.Create(new SimulationOptions(settings.Devices, [Scenarios.Normal], TimeSpan.FromMinutes(2), settings.Seed, Prefix: "load"));
        return await new SimulationProvisioner(new ManagementClient(http)).ProvisionAsync(plan, host.Authority, null, cancellationToken);
    }
}
