using IoMT.Client.Simulation;
using IoMT.Core.Access;
using IoMT.Core.Devices;

namespace IoMT.Local;

/// <summary>
/// Before the host watches any device, takes its own simulation's devices (<c>sim-patient-…</c>) off their patients
/// (unbound now), whether that simulation stopped with the host or the host was killed: a simulated device that is not
/// sending pages nobody. The built-in simulation, when it runs, binds them again as it provisions them. Devices of an
/// <c>iomt simulate</c> run are that run's to retire (it may outlive a restart of the host); a real device is never
/// touched, and its silence is watched as always.
/// </summary>
internal sealed partial class SimulationRetirement(IDeviceRegistry registry, DeviceService devices, ILogger<SimulationRetirement> logger) : IHostedService
{
    private static readonly string BuiltInDevices = SimulationOptions.BuiltInPrefix + "-patient-";

    private static readonly Caller Simulation = new("simulation", new HashSet<Role> { Role.Admin }, new HashSet<string>());

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var filter = new DeviceFilter(SimulatedDevice.Manufacturer, PageSize: DeviceFilter.MaxPageSize);
        var retired = new List<string>();
        do
        {
            var page = await registry.ListAsync(filter, cancellationToken).ConfigureAwait(false);
            retired.AddRange(page.Items.Where(d => d.CurrentPatientId is not null && d.Id.StartsWith(BuiltInDevices, StringComparison.Ordinal)).Select(d => d.Id));
            filter = filter with { ContinuationToken = page.ContinuationToken };
        }
        while (filter.ContinuationToken is not null);

        foreach (var id in retired)
        {
            if ((await devices.UnbindPatientAsync(Simulation, id, null, cancellationToken).ConfigureAwait(false)).Error is { } error)
            {
                Log.NotRetired(logger, id, error.Detail);
            }
        }

        if (retired.Count > 0)
        {
            Log.Retired(logger, retired.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Retired {Devices} devices the host's own simulation left on their patients")]
        public static partial void Retired(ILogger logger, int devices);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated device {DeviceId} stays bound: {Problem}")]
        public static partial void NotRetired(ILogger logger, string deviceId, string problem);
    }
}
