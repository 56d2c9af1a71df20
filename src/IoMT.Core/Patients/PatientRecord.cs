namespace IoMT.Core.Patients;

/// <summary>A patient as the directory knows them: their id and the care teams that look after them.</summary>
public sealed record PatientRecord(string Id, IReadOnlyList<string> CareTeams);

/// <summary>Patients and the care teams that look after them.</summary>
public interface IPatientDirectory
{
    Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default);

    /// <summary>Creates the patient, or replaces their care teams.</summary>
    Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> patients in id order: of any of <paramref name="careTeams"/>, or all when it is null.</summary>
    Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default);
}
