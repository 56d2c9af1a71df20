using System.Text.Json.Nodes;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Validation;

namespace IoMT.Client.Simulation;

/// <summary>
/// Makes a plan real through the management API (an admin's token): saves its patients' profiles in the simulator's
/// care team, registers their devices (or lets them register through DPS), binds each device to its patient, sets the
/// medication schedules their dispensers and inhalers follow, fetches the keys, and has a physician of the care team
/// (<paramref name="physicianToken"/>, or else <see cref="Physician"/> signed in for the purpose) give the home
/// programs' patients their clinical settings. Running it again finds everything in place (a schedule saved again
/// restarts its adherence; settings already set, by the simulation or since, are kept).
/// </summary>
public sealed class SimulationProvisioner(ManagementClient api, string? physicianToken = null, TimeProvider? time = null)
{
    /// <summary>
    /// How long before provisioning a scale is bound to its patient: the weights in its memory were measured by them. The
    /// oldest reading ingestion accepts, so weights the scale remembers stay the patient's however late it runs again.
    /// </summary>
    public static readonly TimeSpan ScaleInUseFor = TimeSpan.FromDays(30);

    public const string EnrollmentGroup = "sim-devices";

    /// <summary>The simulator's physician when no physician's token is given: a local user of its care team.</summary>
    public const string Physician = "sim-physician";

    private static readonly string[] PhysicianRoles = ["physician"];

    private static readonly string[] PhysicianCareTeams = [SimulationOptions.CareTeam];

    public async Task<IReadOnlyList<(SimulatedDevice Device, DeviceConnection Connection)>> ProvisionAsync(
        SimulationPlan plan, string hostName, DpsDeviceClient? dps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var patient in plan.Patients)
        {
            Require(await api.PutAsync($"api/patients/{patient.PatientId}", PatientBodies.Profile(patient.Profile), cancellationToken).ConfigureAwait(false));
        }

        var keys = dps is null
            ? await RegisterAsync(plan, cancellationToken).ConfigureAwait(false)
            : await RegisterThroughDpsAsync(plan, dps, cancellationToken).ConfigureAwait(false);

        foreach (var device in plan.Devices)
        {
            await BindAsync(device, cancellationToken).ConfigureAwait(false);
            if (Schedule(device) is { } schedule)
            {
                Require(await api.PutAsync($"api/patients/{device.Patient.PatientId}/medications/{schedule.MedicationId}", schedule.Body, cancellationToken)
                    .ConfigureAwait(false));
            }
        }

        await SetClinicalSettingsAsync(plan, cancellationToken).ConfigureAwait(false);
        return [.. plan.Devices.Select(d => (d, new DeviceConnection(d.DeviceId, hostName, keys[d.DeviceId])))];
    }

    /// <summary>
    /// The plan's devices that are sending already (enabled, bound and heard within <see cref="DeviceSilence.MissedReports"/>
    /// reporting intervals, or a minute), by id: another simulation drives them, and a second one must not.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindActiveAsync(SimulationPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var ids = plan.Devices.Select(d => d.DeviceId).ToHashSet(StringComparer.Ordinal);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var active = new List<string>();
        string? continuation = null;
        do
        {
            var query = $"api/devices?manufacturer={Uri.EscapeDataString(SimulatedDevice.Manufacturer)}&status=enabled&pageSize={DeviceFilter.MaxPageSize}"
                + (continuation is null ? "" : $"&continuationToken={Uri.EscapeDataString(continuation)}");
            var page = Require(await api.GetAsync(query, cancellationToken).ConfigureAwait(false));
            active.AddRange(page["items"]!.AsArray().OfType<JsonObject>()
                .Where(d => ids.Contains((string)d["id"]!) && d["patientId"] is not null && (DateTimeOffset?)d["lastSeenAt"] is { } seen
                    && now - seen < TimeSpan.FromSeconds(DeviceSilence.MissedReports * ((int?)d["reportingIntervalSeconds"] ?? 30)))
                .Select(d => (string)d["id"]!));
            continuation = (string?)page["continuationToken"];
        }
        while (continuation is not null);

        return active;
    }

    /// <summary>
    /// Takes the plan's devices off their patients when the simulation stops (unbound now, as a nurse removes a monitor):
    /// none is watched for silence any more, an open silence alert of theirs ends, and nobody is paged for them. What they
    /// measured while bound stays their patients'; provisioning binds them again.
    /// </summary>
    public async Task RetireAsync(SimulationPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var device in plan.Devices)
        {
            var unbound = await api.PostAsync($"api/devices/{Uri.EscapeDataString(device.DeviceId)}/unbind", null, cancellationToken).ConfigureAwait(false);
            if (unbound.Code != "binding.conflict")
            {
                Require(unbound);
            }
        }
    }

    /// <summary>Binds the device to its patient: from now, or a scale from <see cref="ScaleInUseFor"/> ago unless it is bound already.</summary>
    private async Task BindAsync(SimulatedDevice device, CancellationToken cancellationToken)
    {
        var path = $"api/devices/{Uri.EscapeDataString(device.DeviceId)}/bind";
        var patientId = device.Patient.PatientId;
        if (device.Role == DeviceRole.Scale)
        {
            var since = Rfc3339.Format((time ?? TimeProvider.System).GetUtcNow() - ScaleInUseFor);
            var bound = await api.PostAsync(path, new { patientId, at = since }, cancellationToken).ConfigureAwait(false);
            if (bound.Code != "binding.conflict")
            {
                Require(bound);
                return;
            }
        }

        // Bound to the patient already, the binding stays as it is.
        Require(await api.PostAsync(path, new { patientId }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Gives each patient with settings of their own those settings, unless a physician set some already.</summary>
    private async Task SetClinicalSettingsAsync(SimulationPlan plan, CancellationToken cancellationToken)
    {
        var patients = plan.Patients.Where(p => p.Settings is not null).ToList();
        if (patients.Count == 0)
        {
            return;
        }

        var (physician, revoke) = physicianToken is null ? await SignInPhysicianAsync(cancellationToken).ConfigureAwait(false) : (api.As(physicianToken), null);
        try
        {
            foreach (var patient in patients)
            {
                var path = $"api/patients/{patient.PatientId}/settings";
                var current = await physician.GetAsync(path, cancellationToken).ConfigureAwait(false);
                if (!current.IsSuccess || current.Body?["changedAt"] is null)
                {
                    Require(await physician.PutAsync(path, PatientBodies.Settings(patient.Settings!, HomePrograms.Reason(patient.Scenario)), cancellationToken)
                        .ConfigureAwait(false));
                }
            }
        }
        finally
        {
            if (revoke is not null)
            {
                await api.DeleteAsync(revoke, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Saves <see cref="Physician"/> as a physician of the simulator's care team and issues them a day's token (local
    /// host's users API); returns a client signed in as them and the path that revokes the token.
    /// </summary>
    private async Task<(ManagementClient Physician, string Revoke)> SignInPhysicianAsync(CancellationToken cancellationToken)
    {
        var saved = await api.PutAsync($"api/users/{Physician}", new { roles = PhysicianRoles, careTeams = PhysicianCareTeams }, cancellationToken)
            .ConfigureAwait(false);
        if (!saved.IsSuccess)
        {
            throw new InvalidOperationException(
                $"Setting the home patients' clinical settings needs a physician of {SimulationOptions.CareTeam}; this API has no local users ({saved.Describe()}): pass a physician's token.");
        }

        var token = Require(await api.PostAsync($"api/users/{Physician}/tokens", new { label = "simulation: clinical settings", expiresInDays = 1 }, cancellationToken)
            .ConfigureAwait(false));
        return (api.As((string)token["token"]!), $"api/users/{Physician}/tokens/{(string)token["id"]!}");
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
