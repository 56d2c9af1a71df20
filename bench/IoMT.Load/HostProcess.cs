using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace IoMT.Load;

/// <summary>
/// IoMT.Local as its own process (the IoMT.Local.dll built next to this tool), on a loopback port and a data folder,
/// without the built-in simulation. <see cref="Kill"/> is SIGKILL: no shutdown code runs at all.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _mqttPort;

    private HostProcess(Process process, Uri address, string dataDirectory, TaskCompletionSource<int> mqttPort)
    {
        _process = process;
        Address = address;
        DataDirectory = dataDirectory;
        _mqttPort = mqttPort;
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    /// <summary>An address on a loopback port that is free now.</summary>
    public static Uri FreeLoopback()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/");
    }

    public static async Task<HostProcess> StartAsync(Uri address, string dataDirectory, IEnumerable<string> settings, TextWriter log, CancellationToken cancellationToken)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // As docs/configuration.md advises for sustained load: a 64 MB first-generation budget (fewer collections, so
        // fewer pauses in acceptance) and hot methods recompiled as soon as they are hot, not once start-up is over
        // (a cold start under full load otherwise builds a backlog of seconds).
        start.Environment.TryAdd("DOTNET_GCgen0size", "0x4000000");
        start.Environment.TryAdd("DOTNET_TC_CallCountingDelayMs", "0");
        foreach (var argument in new[] { Path.Combine(folder, "IoMT.Local.dll"), "--urls", address.AbsoluteUri.TrimEnd('/'), $"--IoMT:DataDirectory={dataDirectory}", "--IoMT:Simulate=false",
            // Devices speak HTTP to the management address here; the TLS device endpoints take free ports, never 443 or 8883.
            "--IoMT:DeviceHttpsPort=0", "--IoMT:DeviceMqttPort=0" }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var mqttPort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Write(log, e.Data, mqttPort);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data, mqttPort);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, address, dataDirectory, mqttPort);
        await host.WaitReadyAsync(cancellationToken);
        return host;
    }

    /// <summary>
    /// The port the host's MQTT-over-TLS endpoint listens on, as the host logs it once the endpoint is up (it takes any
    /// free port here, so there is no port to guess or to lose to another process in between).
    /// </summary>
    public Task<int> MqttPortAsync(CancellationToken cancellationToken) => _mqttPort.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>CPU time the host has used so far (user and system), from /proc on Linux.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
    }

    /// <summary>The host's resident memory now (its working set), in bytes.</summary>
    public long MemoryBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, the orderly stop, then waits for the process to end.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            term.WaitForExit();
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            _process.Kill();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {_process.ExitCode} while starting.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Address, "readyz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Busy starting.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException("The host did not become ready within 60 s.");
    }

    private static void Write(TextWriter log, string? line, TaskCompletionSource<int> mqttPort)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }

            if (!mqttPort.Task.IsCompleted && MqttListening().Match(line) is { Success: true } listening)
            {
                mqttPort.TrySetResult(int.Parse(listening.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>IoMT.Local.Mqtt.MqttGateway's line once its endpoint listens: "MQTT endpoint for devices … listening on {address}:{port} over TLS, …".</summary>
    [GeneratedRegex(@"MQTT endpoint for devices .* listening on \S+:(\d+) over TLS")]
    private static partial Regex MqttListening();
}
