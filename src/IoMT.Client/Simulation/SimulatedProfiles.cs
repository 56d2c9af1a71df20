using System.Globalization;
using IoMT.Core.Patients;

namespace IoMT.Client.Simulation;

/// <summary>
/// Synthetic identities for virtual patients, plainly not real people: the family name "Simulated", birth dates, a
/// medical record number under an example.org system, a bed on the simulator's ward (or home for the home programs),
/// and a caregiver reachable only at reserved fictional addresses (example.org mail, +1 202-555-01xx numbers).
/// </summary>
public static class SimulatedProfiles
{
    public const string MrnSystem = "https://example.org/fhir/sid/simulated-mrn";

    public const string Ward = "Simulation";

    private static readonly string[] GivenNames = ["Ada", "Bram", "Cleo", "Dara", "Emil", "Faye", "Gus", "Hedda", "Ivo", "Juno", "Kit", "Lior"];

    private static readonly string[] CaregiverNames = ["Maren", "Nils", "Opal", "Piet", "Quinn", "Rosa"];

    private static readonly string[] Relations = ["daughter", "son", "spouse", "partner", "sister", "brother"];

    /// <summary>The profile of the plan's <paramref name="index"/>-th patient (0-based).</summary>
    public static PatientRecord For(int index, string patientId, string scenario)
    {
        var number = index + 1;
        var round = index / GivenNames.Length;
        return new PatientRecord(patientId, [SimulationOptions.CareTeam])
        {
            DisplayName = $"{GivenNames[index % GivenNames.Length]} Simulated{(round > 0 ? $" {round + 1}" : "")}",
            BirthDate = new DateOnly(1938 + (index * 7 % 45), (index * 5 % 12) + 1, (index * 11 % 28) + 1),
            Identifiers = [new PatientIdentifier(MrnSystem, string.Create(CultureInfo.InvariantCulture, $"SIM-{number:D6}")) { Type = "MR" }],
            Location = HomePrograms.IsHome(scenario)
                ? new PatientLocation { Home = true }
                : new PatientLocation { Ward = Ward, Room = (index / 2 + 1).ToString(CultureInfo.InvariantCulture), Bed = index % 2 == 0 ? "A" : "B" },
            Contacts =
            [
                new PatientContact($"{CaregiverNames[index % CaregiverNames.Length]} Simulated", Relations[index % Relations.Length])
                {
                    Caregiver = true,
                    Email = string.Create(CultureInfo.InvariantCulture, $"caregiver-{number:D3}@example.org"),
                    Sms = string.Create(CultureInfo.InvariantCulture, $"+1202555{100 + (index % 100):D4}"),
                },
            ],
        };
    }
}
