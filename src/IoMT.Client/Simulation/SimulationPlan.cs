using System.Globalization;
using System.Text.Json.Nodes;
using IoMT.Core.Validation;

namespace IoMT.Client.Simulation;

/// <summary>
/// What to simulate: how many patients, which scenarios (assigned in turn), the cycle, the seed, and the prefix of its
/// patients' and devices' ids (<c>{prefix}-patient-001</c>), which keeps simulations of one host apart.
/// </summary>
public sealed record SimulationOptions(int Patients, IReadOnlyList<string> Scenarios, TimeSpan Cycle, int Seed = 1, string Prefix = SimulationOptions.BuiltInPrefix)
{
    public const string CareTeam = "sim-ward";

    /// <summary>The local host's own simulation: <c>sim-patient-001…</c>.</summary>
    public const string BuiltInPrefix = "sim";

    /// <summary>What <c>iomt simulate</c> uses unless told: never the host's own patients.</summary>
    public const string CliPrefix = "cli-sim";

    /// <summary>Letters, digits and inner hyphens, short enough for the ids built on it.</summary>
    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= 24 } && prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && prefix[0] != '-' && prefix[^1] != '-';
}

/// <summary>The virtual patients and their devices, named so that a plan made again finds the same devices.</summary>
public sealed record SimulationPlan(IReadOnlyList<VirtualPatient> Patients, IReadOnlyList<SimulatedDevice> Devices)
{
    public static SimulationPlan Create(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var patients = new List<VirtualPatient>();
        var devices = new List<SimulatedDevice>();
        for (var i = 0; i < options.Patients; i++)
        {
            var scenario = options.Scenarios[i % options.Scenarios.Count];
            var id = PatientId(i, options.Prefix);
            var patient = new VirtualPatient(id, scenario, options.Seed + i, options.Cycle) { Profile = SimulatedProfiles.For(i, id, scenario) };
            patients.Add(patient);
            foreach (var role in Roles(scenario))
            {
                devices.Add(new SimulatedDevice(DeviceId(patient.PatientId, role), role, patient));
            }
        }

        return new SimulationPlan(patients, devices);
    }

    public static string PatientId(int index, string prefix = SimulationOptions.BuiltInPrefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-patient-{index + 1:D3}");

    public static string DeviceId(string patientId, DeviceRole role) => $"{patientId}-{role.ToString().ToLowerInvariant()}";

    /// <summary>Every patient on the ward has a bedside monitor, and scenarios add the device they are about; patients at home have their home devices.</summary>
    public static IReadOnlyList<DeviceRole> Roles(string scenario) => scenario switch
    {
        Simulation.Scenarios.CopdExacerbation => [DeviceRole.Spirometer, DeviceRole.Oximeter],
        Simulation.Scenarios.HeartFailureWeightGain => [DeviceRole.Scale],
        Simulation.Scenarios.Hypoglycemia => [DeviceRole.Monitor, DeviceRole.Cgm],
        Simulation.Scenarios.AfibEpisode => [DeviceRole.Monitor, DeviceRole.Ecg],
        Simulation.Scenarios.MissedDoses => [DeviceRole.Monitor, DeviceRole.Dispenser],
        Simulation.Scenarios.RescueInhalerOveruse => [DeviceRole.Monitor, DeviceRole.Inhaler],
        Simulation.Scenarios.FridgeExcursion => [DeviceRole.Monitor, DeviceRole.Fridge],
        _ => [DeviceRole.Monitor],
    };

    /// <summary>A telemetry contract v1 message.</summary>
    public static string Message(string deviceId, string messageId, DateTimeOffset sentAt, IEnumerable<JsonObject> readings) =>
        new JsonObject
        {
            ["schema"] = "iomt.telemetry/1",
            ["messageId"] = messageId,
            ["deviceId"] = deviceId,
            ["sentAt"] = Rfc3339.Format(sentAt),
            ["readings"] = new JsonArray([.. readings]),
        }.ToJsonString();
}
