using System.Text.Json;
using System.Text.Json.Nodes;
using IoMT.Client;
using IoMT.Client.Simulation;
using IoMT.Core.Access;
using IoMT.Core.Devices;
using IoMT.Core.Users;
using IoMT.Storage.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace IoMT.Local;

/// <summary>
/// The built-in simulation (<c>--simulate</c>; on by default while the host has no devices, so a first run shows live
/// vitals and a real escalation within a minute). Once the host listens, it seeds the simulator's care team with one
/// user per clinical role and a device maker (their API tokens in <c>seeded-users.json</c>, readable by you only, reused
/// from one start to the next), then
/// provisions virtual patients, their devices and medication schedules through the host's own API and device gateway,
/// exactly as <c>iomt simulate</c> does, and runs them until the host stops.
/// </summary>
internal sealed partial class SimulationHost(
    IHostApplicationLifetime lifetime, IServer server, IDeviceRegistry devices, SqliteDirectory directory, DataDirectory dataDirectory,
    Microsoft.Extensions.Options.IOptions<LocalOptions> options, TimeProvider time, ILogger<SimulationHost> logger) : BackgroundService
{
    public const string UsersFileName = "seeded-users.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly LocalUser[] Users =
    [
        new("coordinator", [Role.CareCoordinator], [SimulationOptions.CareTeam]),
        new("nurse", [Role.Nurse], [SimulationOptions.CareTeam]),
        new("physician", [Role.Physician], [SimulationOptions.CareTeam]),
        new("device-maker", [Role.DeviceMaker], [], SimulatedDevice.Manufacturer),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(stoppingToken).ConfigureAwait(false) || !await ShouldRunAsync(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException or UriFormatException)
        {
            Log.Failed(logger, e);
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var address = LoopbackAddress(server.Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var usersFile = Path.Combine(dataDirectory.Path, UsersFileName);
        var adminToken = await SeedUsersAsync(directory, usersFile, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);
        var plan = SimulationPlan.Create(new SimulationOptions(settings.SimulatedPatients, Scenarios.All, settings.SimulationCycle));
        var deviceClient = new IoTHubDeviceClient(http, address, time, settings.HubHostName());
        // The seeded physician gives the home programs' patients their clinical settings.
        var provisioner = new SimulationProvisioner(new ManagementClient(http), ReadSeededTokens(usersFile).GetValueOrDefault("physician"), time);
        var connected = await provisioner.ProvisionAsync(plan, deviceClient.HostName, null, stoppingToken).ConfigureAwait(false);
        Log.Started(logger, plan.Patients.Count, connected.Count, SimulationOptions.CareTeam, usersFile);
        await new SimulationRunner(deviceClient, time).RunAsync(connected, null, null, _ => { }, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Where this host can reach itself: a wildcard listening address (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) means loopback.</summary>
    internal static Uri LoopbackAddress(string listening)
    {
        var match = System.Text.RegularExpressions.Regex.Match(listening, @"^(?<scheme>https?)://(?<host>\[[^\]]*\]|[^:/]+)(?<port>:\d+)?", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        var host = match.Groups["host"].Value is "0.0.0.0" or "[::]" or "+" or "*" ? "127.0.0.1" : match.Groups["host"].Value;
        return new Uri($"{match.Groups["scheme"].Value}://{host}{match.Groups["port"].Value}/");
    }

    /// <summary>Waits until the host listens; false when it stops first.</summary>
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>As configured; when not configured, only while the host has no device yet (its first run).</summary>
    private async Task<bool> ShouldRunAsync(CancellationToken cancellationToken) =>
        options.Value.Simulate ?? (await devices.ListAsync(new DeviceFilter(PageSize: 1, IncludeDeleted: true), cancellationToken).ConfigureAwait(false)).Items.Count == 0;

    /// <summary>
    /// Saves the simulator's users and writes their tokens whole to <paramref name="usersFile"/> (readable by you only).
    /// A token from an earlier start that still works for another day is kept; otherwise the user gets a new one (which
    /// replaces their earlier seeded tokens) valid for <see cref="UserService.DefaultTokenDays"/> days. Returns the token
    /// the simulation provisions with: the admin's, valid for a day, replacing the one of the previous start.
    /// </summary>
    internal static async Task<string> SeedUsersAsync(SqliteDirectory directory, string usersFile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var earlier = ReadSeededTokens(usersFile);
        var seeded = new List<object>();
        foreach (var user in Users)
        {
            await directory.SaveUserAsync(user, cancellationToken).ConfigureAwait(false);
            var token = earlier.GetValueOrDefault(user.Id);
            if (token is null || (await directory.FindCallerAsync(token, now.AddDays(1), cancellationToken).ConfigureAwait(false))?.Id != user.Id)
            {
                token = await directory.ReplaceTokenAsync(user.Id, UsersFileName, now, now.AddDays(UserService.DefaultTokenDays), cancellationToken).ConfigureAwait(false);
            }

            seeded.Add(new { id = user.Id, roles = user.Roles.Select(r => r.Name()), careTeams = user.CareTeams, manufacturer = user.Manufacturer, token });
        }

        await OwnerOnlyFiles.WriteAsync(usersFile, stream => JsonSerializer.SerializeAsync(stream, seeded, Indented, cancellationToken)).ConfigureAwait(false);
        return await directory.ReplaceTokenAsync(AdminBootstrap.AdminUserId, "simulation", now, now.AddDays(1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tokens an earlier start wrote, by user id; none when the file is missing or not what this host writes.</summary>
    private static Dictionary<string, string> ReadSeededTokens(string usersFile)
    {
        try
        {
            return File.Exists(usersFile) && JsonNode.Parse(File.ReadAllText(usersFile)) is JsonArray users
                ? users.OfType<JsonObject>()
                    .Where(u => u["id"]?.GetValueKind() == JsonValueKind.String && u["token"]?.GetValueKind() == JsonValueKind.String)
                    .DistinctBy(u => (string)u["id"]!)
                    .ToDictionary(u => (string)u["id"]!, u => (string)u["token"]!, StringComparer.Ordinal)
                : [];
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return [];
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Simulating {Patients} patients with {Devices} devices in care team {CareTeam}; sign-in tokens of its users are in {UsersFile}")]
        public static partial void Started(ILogger logger, int patients, int devices, string careTeam, string usersFile);

        [LoggerMessage(Level = LogLevel.Error, Message = "The simulation stopped")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
