using IoMT.Core.Patients;

namespace IoMT.Core.Workflows;

/// <summary>
/// What the <c>caregiver</c> follow-up channel can do for one patient: the ways (<c>email</c>, <c>sms</c>, <c>webhook</c>)
/// by which a caregiver named in the patient's profile can be reached now, of those the host can use. The shell looks
/// the profile up and passes this fact to the adherence decider, which stays pure.
/// </summary>
public sealed record CaregiverReach(IReadOnlyList<string> Ways)
{
    /// <summary>The follow-up channel that reaches the caregivers named in the patient's profile, through their own addresses.</summary>
    public const string Channel = "caregiver";

    public static CaregiverReach Nobody { get; } = new([]);

    /// <summary>
    /// A stand-in for a lookup not made yet: a decision made with it tells the caregiver whenever the real fact could
    /// matter (<see cref="Adherence.AdherenceDecider.AsksCaregiver"/>), so a shell looks the profile up only then.
    /// </summary>
    public static CaregiverReach Assumed { get; } = new([Caregivers.Webhook]);

    public bool Reachable => Ways.Count > 0;

    /// <summary>The ways <paramref name="patient"/>'s caregivers can be reached, of <paramref name="usable"/> (the ways the host has configured).</summary>
    public static CaregiverReach Of(PatientRecord? patient, IEnumerable<string> usable)
    {
        ArgumentNullException.ThrowIfNull(usable);
        return new([.. usable.Distinct(StringComparer.Ordinal).Where(way => Caregivers.Addresses(patient, way).Count > 0)]);
    }
}

/// <summary>Looks up <see cref="CaregiverReach"/> for a patient (the patient's profile and the ways the host can use).</summary>
public interface ICaregiverLookup
{
    Task<CaregiverReach> FindAsync(string patientId, CancellationToken cancellationToken = default);
}
