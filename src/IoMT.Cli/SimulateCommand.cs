using System.CommandLine;
using System.Globalization;
using IoMT.Client;
using IoMT.Client.Simulation;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt simulate --gateway URL --patients N --scenario NAME[,NAME] [--rate msgs/s] [--duration D]</c>: virtual
/// patients and their devices sending through the IoT Hub HTTPS device protocol, to the local gateway or an IoT Hub.
/// Devices are provisioned through the management API (an admin's token; <c>--dps</c> registers them through DPS), or
/// taken from a credentials file that <c>iomt devices export</c> wrote. Its patients and devices are its own
/// (<c>--prefix</c>, never the host's built-in simulation's); it refuses to drive devices another simulation is
/// driving, and retires the devices it provisioned when it stops.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var gateway = ApiOptions.Api("--gateway", "Where devices send: the local host, or https://{hub}.azure-devices.net.");
        var api = new Option<Uri>("--api") { Description = "Management API for provisioning. Default: the gateway (the local host serves both)." };
        var token = ApiOptions.Token();
        var patients = new Option<int>("--patients") { Description = "Virtual patients.", DefaultValueFactory = _ => 5 };
        var scenario = new Option<string>("--scenario")
        {
            Description = "Scenarios, comma-separated, given to patients in turn: " + string.Join(", ", Scenarios.All) + ".",
            DefaultValueFactory = _ => string.Join(',', Scenarios.All),
        };
        var rate = new Option<double?>("--rate") { Description = "At most this many messages per second over all devices." };
        var duration = new Option<TimeSpan?>("--duration") { Description = "Stop after this long (90s, 10m, 2h). Default: until Ctrl+C.", CustomParser = ParseDuration };
        var cycle = new Option<TimeSpan>("--cycle") { Description = "How long one round of each scenario takes.", DefaultValueFactory = _ => TimeSpan.FromMinutes(2), CustomParser = r => ParseDuration(r) ?? default };
        var credentials = new Option<FileInfo>("--credentials") { Description = "Device keys from `iomt devices export` instead of provisioning (e.g. for an IoT Hub)." };
        var dps = new Option<bool>("--dps") { Description = "Register the devices through DPS with keys derived from an enrollment group." };
        var dpsEndpoint = new Option<Uri>("--dps-endpoint") { Description = "DPS for --dps. Default: the gateway; in Azure https://global.azure-devices-provisioning.net." };
        var physicianToken = new Option<string>("--physician-token")
        {
            Description = $"API token of a physician of {SimulationOptions.CareTeam}, who sets the home patients' clinical settings. Default: the local host's {SimulationProvisioner.Physician}, given a day's token through the users API.",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the physiology.", DefaultValueFactory = _ => 1 };
        var prefix = new Option<string>("--prefix")
        {
            Description = $"Prefix of the patients' and devices' ids ({{prefix}}-patient-001); the local host's own simulation uses '{SimulationOptions.BuiltInPrefix}'.",
            DefaultValueFactory = _ => SimulationOptions.CliPrefix,
        };
        var acceptedLog = new Option<FileInfo>("--accepted-log") { Description = "Write a CSV line (deviceId,messageId,readings) for each message the gateway acknowledged." };
        var command = new Command("simulate", "Simulate patients and their devices.")
        {
            gateway, patients, scenario, rate, duration, api, token, physicianToken, credentials, dps, dpsEndpoint, cycle, seed, prefix, acceptedLog,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var names = parseResult.GetValue(scenario)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (names.FirstOrDefault(n => !Scenarios.All.Contains(n)) is { } unknown || parseResult.GetValue(patients) is < 1 or > 10_000 || parseResult.GetValue(rate) is <= 0)
            {
                await environment.Error.WriteLineAsync(names.Any(n => !Scenarios.All.Contains(n))
                    ? $"Unknown scenario '{names.First(n => !Scenarios.All.Contains(n))}'; scenarios are {string.Join(", ", Scenarios.All)}."
                    : "--patients must be 1–10,000 and --rate above 0.").ConfigureAwait(false);
                return CliApp.UsageError;
            }

            if (!SimulationOptions.IsValidPrefix(parseResult.GetValue(prefix)))
            {
                await environment.Error.WriteLineAsync("--prefix must be 1–24 letters, digits and inner hyphens.").ConfigureAwait(false);
                return CliApp.UsageError;
            }

            var plan = SimulationPlan.Create(new SimulationOptions(
                parseResult.GetValue(patients), names, parseResult.GetValue(cycle), parseResult.GetValue(seed), parseResult.GetValue(prefix)!));
            if (ApiOptions.Address(parseResult, gateway, environment) is not { } gatewayUri)
            {
                return CliApp.UsageError;
            }

            using var http = new HttpClient(environment.Http ?? new HttpClientHandler(), disposeHandler: environment.Http is null) { Timeout = TimeSpan.FromSeconds(30) };
            var deviceClient = new IoTHubDeviceClient(http, Slash(gatewayUri), environment.Clock);

            IReadOnlyList<(SimulatedDevice, DeviceConnection)>? devices;
            Uri? provisionedAt = null;
            if (parseResult.GetValue(credentials) is { } file)
            {
                devices = await ReadCredentialsAsync(file, plan, deviceClient.HostName, environment).ConfigureAwait(false);
                if (devices is null)
                {
                    return CliApp.UsageError;
                }
            }
            else
            {
                devices = null;
                var provisionApi = parseResult.GetValue(api) ?? gatewayUri;
                var dpsClient = parseResult.GetValue(dps) ? new DpsDeviceClient(http, Slash(parseResult.GetValue(dpsEndpoint) ?? gatewayUri), environment.Clock) : null;
                var status = await ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
                {
                    var provisioner = new SimulationProvisioner(client, parseResult.GetValue(physicianToken), environment.Clock);
                    try
                    {
                        if (await provisioner.FindActiveAsync(plan, cancellationToken).ConfigureAwait(false) is [var busy, ..] active)
                        {
                            await environment.Error.WriteLineAsync(
                                $"{active.Count} of this simulation's devices are sending already (e.g. {busy}): another simulation drives them. Choose another --prefix.")
                                .ConfigureAwait(false);
                            return CliApp.UsageError;
                        }

                        devices = await provisioner.ProvisionAsync(plan, deviceClient.HostName, dpsClient, cancellationToken).ConfigureAwait(false);
                        provisionedAt = provisionApi;
                        return 0;
                    }
                    catch (InvalidOperationException e)
                    {
                        await environment.Error.WriteLineAsync($"Provisioning at {provisionApi} failed: {e.Message}").ConfigureAwait(false);
                        return 1;
                    }
                }, provisionApi).ConfigureAwait(false);
                if (status != 0)
                {
                    return status;
                }
            }

            var limit = parseResult.GetValue(duration);
            await environment.Output.WriteLineAsync(
                $"Simulating {plan.Patients.Count} patients with {devices!.Count} devices through {gatewayUri} {(limit is { } d ? $"for {d.TotalSeconds:0} s" : "until Ctrl+C")}.").ConfigureAwait(false);
            foreach (var patient in plan.Patients)
            {
                var roles = plan.Devices.Where(d => d.Patient == patient).Select(d => d.Role.ToString().ToLowerInvariant());
                await environment.Output.WriteLineAsync($"  {patient.PatientId}: {patient.Scenario} ({string.Join(", ", roles)})").ConfigureAwait(false);
            }

            var start = environment.Clock.GetUtcNow();
            await using var log = parseResult.GetValue(acceptedLog) is { } logFile ? new StreamWriter(logFile.FullName) { AutoFlush = true } : null;
            var logLock = new Lock();
            var stats = await new SimulationRunner(deviceClient, environment.Clock).RunAsync(devices, parseResult.GetValue(rate), limit,
                s => environment.Output.WriteLine($"[{(environment.Clock.GetUtcNow() - start).TotalSeconds:0} s] {s}"), cancellationToken,
                log is null ? null : (device, message, readings) =>
                {
                    lock (logLock)
                    {
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{device},{message},{readings}"));
                    }
                }).ConfigureAwait(false);
            await environment.Output.WriteLineAsync($"Done: {stats}").ConfigureAwait(false);
            var retired = provisionedAt is null || await ApiOptions.WithClientAsync(parseResult, api, token, environment,
                client => RetireAsync(new SimulationProvisioner(client), plan, environment), provisionedAt).ConfigureAwait(false) == 0;
            return retired && stats.Failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Unbinds the devices this run provisioned (whether it ran its course or was stopped), so none of them pages anyone.</summary>
    private static async Task<int> RetireAsync(SimulationProvisioner provisioner, SimulationPlan plan, CliEnvironment environment)
    {
        try
        {
            await provisioner.RetireAsync(plan, CancellationToken.None).ConfigureAwait(false);
            await environment.Output.WriteLineAsync($"Retired its {plan.Devices.Count} devices: unbound from their patients, they page nobody.").ConfigureAwait(false);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await environment.Error.WriteLineAsync($"Retiring the devices failed ({e.Message}): unbind them with `iomt devices unbind`.").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary><c>90s</c>, <c>10m</c>, <c>2h</c> or <c>hh:mm:ss</c>.</summary>
    private static TimeSpan? ParseDuration(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        var unit = text.Length > 1 ? char.ToLowerInvariant(text[^1]) : ' ';
        if (unit is 's' or 'm' or 'h' && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            return unit switch { 's' => TimeSpan.FromSeconds(amount), 'm' => TimeSpan.FromMinutes(amount), _ => TimeSpan.FromHours(amount) };
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        result.AddError($"'{text}' is not a duration: use 90s, 10m, 2h or hh:mm:ss.");
        return null;
    }

    private static async Task<IReadOnlyList<(SimulatedDevice, DeviceConnection)>?> ReadCredentialsAsync(FileInfo file, SimulationPlan plan, string hostName, CliEnvironment environment)
    {
        Dictionary<string, string> keys;
        try
        {
            var lines = await File.ReadAllLinesAsync(file.FullName).ConfigureAwait(false);
            var header = lines[0].Split(',');
            var (id, key) = (Array.IndexOf(header, "deviceId"), Array.IndexOf(header, "primaryKey"));
            keys = lines.Skip(1).Select(l => l.Split(',')).Where(f => id >= 0 && key >= 0 && f.Length > Math.Max(id, key))
                .ToDictionary(f => f[id], f => f[key], StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentException)
        {
            await environment.Error.WriteLineAsync($"Cannot read credentials from '{file}': {e.Message}").ConfigureAwait(false);
            return null;
        }

        var missing = plan.Devices.Where(d => !keys.ContainsKey(d.DeviceId)).Select(d => d.DeviceId).ToList();
        if (missing.Count > 0)
        {
            await environment.Error.WriteLineAsync($"{file.Name} has no keys for {missing.Count} of the plan's devices, e.g. {missing[0]}.").ConfigureAwait(false);
            return null;
        }

        return [.. plan.Devices.Select(d => (d, new DeviceConnection(d.DeviceId, hostName, keys[d.DeviceId])))];
    }

    private static Uri Slash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
