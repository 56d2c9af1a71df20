using System.Text.Json;
using IoMT.Load;

// iomt-load load | crash-loop | fuzz | audit-flood [--name value …]: see docs/performance.md and docs/reliability.md.
var command = args.FirstOrDefault();
Arguments options;
try
{
    options = new Arguments(args.Skip(1));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
// NaN percentiles (nothing measured, e.g. nothing committed) are written as "NaN".
var json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
return command switch
{
    "load" => await LoadAsync(),
    "crash-loop" => await CrashLoopAsync(),
    "fuzz" => await FuzzAsync(),
    "audit-flood" => await AuditFloodAsync(),
    _ => Usage(),
};

async Task<int> LoadAsync()
{
    var settings = new LoadSettings(
        Rate: options.Number("rate", 5000), Duration: options.Duration("duration", TimeSpan.FromSeconds(60)), Warmup: options.Duration("warmup", TimeSpan.FromSeconds(10)),
        Devices: options.Whole("devices", 1000), Seed: options.Whole("seed", 1), AlertsPerSecond: options.Number("alerts-per-second", 5),
        Connections: options.Whole("connections", options.Whole("devices", 1000)), Transport: options.Text("transport") ?? "https");
    if (!LoadSettings.Transports.Contains(settings.Transport))
    {
        Console.Error.WriteLine($"--transport {settings.Transport}: expected one of {string.Join(", ", LoadSettings.Transports)}.");
        return 2;
    }

    var data = Directory.CreateTempSubdirectory("iomt-load-").FullName;
    var hostLogPath = Path.Combine(data, "host.log");
    using var hostLog = new StreamWriter(hostLogPath);
    using var host = await HostProcess.StartAsync(HostProcess.FreeLoopback(), Path.Combine(data, "data"), [], hostLog, stop.Token);
    var mqttPort = settings.Transport == "mqtt" ? await host.MqttPortAsync(stop.Token) : 0;
    var result = await new LoadRun(host.Address, host.DataDirectory, settings, Console.Out) { HostCpu = host.CpuTime, MqttPort = mqttPort }.RunAsync(stop.Token);
    host.Stop();

    // A minute at 6,000 msg/s leaves about a gigabyte: gone before the next run, whose disk it would otherwise share
    // with the writing back of this one's pages. The host's log stays.
    Directory.Delete(host.DataDirectory, recursive: true);
    Console.WriteLine(JsonSerializer.Serialize(result, json));
    await WriteReportAsync(new { machine = Machine.Current(), settings, result });
    Console.WriteLine($"Host log in {hostLogPath}.");

    return result.Failed == 0 && result.NotCommitted == 0 && result.AlertsNotNotified == 0 ? 0 : 1;
}

async Task<int> CrashLoopAsync()
{
    var settings = new LoadSettings(
        Rate: options.Number("rate", 1000), Duration: options.Duration("duration", TimeSpan.FromSeconds(120)), Warmup: TimeSpan.Zero,
        Devices: options.Whole("devices", 500), Seed: options.Whole("seed", 1), AlertsPerSecond: options.Number("alerts-per-second", 1),
        Connections: options.Whole("connections", options.Whole("devices", 500)), ClearAlerts: false);
    var kills = options.Whole("kills", 10);
    var work = Directory.CreateTempSubdirectory("iomt-crash-").FullName;
    var hostLogPath = Path.Combine(work, "host.log");
    await using var hostLog = new StreamWriter(hostLogPath);
    var result = await new CrashLoop(Path.Combine(work, "data"), settings, kills, Console.Out).RunAsync(HostProcess.FreeLoopback(), hostLog, stop.Token);
    Console.WriteLine(JsonSerializer.Serialize(result, json));
    await WriteReportAsync(new { machine = Machine.Current(), settings, kills, result });
    Console.WriteLine(result.Passed ? "PASSED: nothing lost, nothing doubled, every escalation ran." : $"FAILED; host log in {hostLogPath}.");
    return result.Passed ? 0 : 1;
}

async Task<int> FuzzAsync()
{
    var (messages, seed) = ((long)options.Number("messages", 1_000_000), options.Whole("seed", 1));
    var result = FuzzRun.Run(messages, seed);
    Console.WriteLine(JsonSerializer.Serialize(result, json));
    await WriteReportAsync(new { machine = Machine.Current(), messages, seed, result });
    return result.Passed ? 0 : 1;
}

async Task<int> AuditFloodAsync()
{
    var (requests, concurrency) = (options.Whole("requests", 100_000), options.Whole("concurrency", 16));
    var work = Directory.CreateTempSubdirectory("iomt-flood-").FullName;
    var hostLogPath = Path.Combine(work, "host.log");
    await using var hostLog = new StreamWriter(hostLogPath);
    using var host = await HostProcess.StartAsync(HostProcess.FreeLoopback(), Path.Combine(work, "data"), [], hostLog, stop.Token);
    var result = await new AuditFlood(host, requests, concurrency, Console.Out).RunAsync(stop.Token);
    host.Stop();
    Console.WriteLine(JsonSerializer.Serialize(result, json));
    await WriteReportAsync(new { machine = Machine.Current(), requests, concurrency, result });
    var passed = result.AuditBytesAdded <= 1_000_000 && result.HostMemoryAdded <= 20_000_000 && result.DenialOnFirstPage;
    Console.WriteLine(passed ? "PASSED: the audit and the host's memory stayed bounded; the denial is on the first page." : $"FAILED; host log in {hostLogPath}.");
    return passed ? 0 : 1;
}

async Task WriteReportAsync(object report)
{
    if (options.Text("out") is { } path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, json));
        Console.WriteLine($"Results written to {path}.");
    }
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: iomt-load load [--transport https|mqtt] [--rate 5000] [--duration 60s] [--warmup 10s] [--devices 1000] [--seed 1] [--alerts-per-second 5] [--connections DEVICES] [--out FILE]
               iomt-load fuzz [--messages 1000000] [--seed 1] [--out FILE]
               iomt-load audit-flood [--requests 100000] [--concurrency 16] [--out FILE]
               iomt-load crash-loop [--kills 10] [--rate 1000] [--duration 120s] [--devices 500] [--seed 1] [--alerts-per-second 1] [--out FILE]
        """);
    return 2;
}
