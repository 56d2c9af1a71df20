using System.Text.Json.Nodes;
using IoMT.Core.Devices;

namespace IoMT.Client.Simulation;

/// <summary>
/// Makes a plan real through the management API (an admin's token): creates its patients in the simulator's care
/// team, registers their devices (or lets them register through DPS), binds each device to its patient, sets the
/// medication schedules their dispensers and inhalers follow, and fetches the keys. Running it again finds everything
/// in place (a schedule saved again restarts its adherence).
/// </summary>
public sealed class SimulationProvisioner(ManagementClient api)
{
    public const string EnrollmentGroup = "sim-devices";

    public async Task<IReadOnlyList<(SimulatedDevice Device, DeviceConnection Connection)>> ProvisionAsync(
        SimulationPlan plan, string hostName, DpsDeviceClient? dps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var patient in plan.Patients)
        {
            Require(await api.PutAsync($"api/patients/{patient.PatientId}", new { careTeams = new[] { SimulationOptions.CareTeam } }, cancellationToken).ConfigureAwait(false));
        }

        var keys = dps is null
            ? await RegisterAsync(plan, cancellationToken).ConfigureAwait(false)
            : await RegisterThroughDpsAsync(plan, dps, cancellationToken).ConfigureAwait(false);

        foreach (var device in plan.Devices)
        {
            Require(await api.PostAsync($"api/devices/{Uri.EscapeDataString(device.DeviceId)}/bind", new { patientId = device.Patient.PatientId }, cancellationToken).ConfigureAwait(false));
            if (Schedule(device) is { } schedule)
            {
                Require(await api.PutAsync($"api/patients/{device.Patient.PatientId}/medications/{schedule.MedicationId}", schedule.Body, cancellationToken)
                    .ConfigureAwait(false));
            }
        }

        return [.. plan.Devices.Select(d => (d, new DeviceConnection(d.DeviceId, hostName, keys[d.DeviceId])))];
    }

    /// <summary>The medication schedule a device's patient follows: the rescue inhaler's puff limit, the dispenser's twice-daily tablet.</summary>
    private static (string MedicationId, object Body)? Schedule(SimulatedDevice device) => device.Role switch
    {
        DeviceRole.Inhaler => (SimulatedDevice.RescueInhaler, new { kind = "rescueInhaler", rescuePuffLimit = 8 }),
        DeviceRole.Dispenser => (SimulatedDevice.ScheduledMedication, new { timesOfDay = new[] { "08:00", "20:00" }, timeZone = "UTC" }),
        _ => null,
    };

    private async Task<Dictionary<string, string>> RegisterAsync(SimulationPlan plan, CancellationToken cancellationToken)
    {
        var rows = plan.Devices.Select(d => new
        {
            id = d.DeviceId,
            manufacturer = SimulatedDevice.Manufacturer,
            model = d.Model,
            kinds = d.Kinds,
            reportingIntervalSeconds = d.ReportingIntervalSeconds,
        }).ToList();
        foreach (var chunk in rows.Chunk(DeviceImport.MaxRows))
        {
            var summary = Require(await api.PostAsync("api/devices/import", chunk, cancellationToken).ConfigureAwait(false));
            if ((int)summary["invalid"]! > 0)
            {
                throw new InvalidOperationException($"The API refused simulated devices: {summary["rows"]!.ToJsonString()}");
            }
        }

        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in plan.Devices.Select(d => d.DeviceId).Chunk(DeviceImport.MaxRows))
        {
            foreach (var credentials in Require(await api.PostAsync("api/devices/credentials", new { deviceIds = chunk }, cancellationToken).ConfigureAwait(false)).AsArray())
            {
                keys[(string)credentials!["deviceId"]!] = (string)credentials["primaryKey"]!;
            }
        }

        return keys;
    }

    private async Task<Dictionary<string, string>> RegisterThroughDpsAsync(SimulationPlan plan, DpsDeviceClient dps, CancellationToken cancellationToken)
    {
        var kinds = plan.Devices.SelectMany(d => d.Kinds).Distinct().ToArray();
        var created = await api.PostAsync("api/enrollment-groups",
            new { id = EnrollmentGroup, manufacturer = SimulatedDevice.Manufacturer, model = "Simulated device", kinds }, cancellationToken).ConfigureAwait(false);
        if (!created.IsSuccess && created.Code != "enrollment-group.exists")
        {
            Require(created);
        }

        var group = Require(await api.GetAsync($"api/enrollment-groups/{EnrollmentGroup}/credentials", cancellationToken).ConfigureAwait(false));
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var device in plan.Devices)
        {
            var key = DpsKeys.DeriveDeviceKey((string)group["primaryKey"]!, device.DeviceId);
            await dps.RegisterAsync((string)group["idScope"]!, device.DeviceId, key, cancellationToken).ConfigureAwait(false);
            keys[device.DeviceId] = key;
        }

        return keys;
    }

    private static JsonNode Require(ApiResponse response) =>
        response.IsSuccess && response.Body is not null ? response.Body : throw new InvalidOperationException($"The API refused: {response.Describe()}");
}
