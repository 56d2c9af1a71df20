using System.Collections.Concurrent;
using IoMT.Core.Patients;

namespace IoMT.Testing;

/// <summary>Patients and their care teams in memory.</summary>
public sealed class InMemoryPatientDirectory : IPatientDirectory
{
    private readonly ConcurrentDictionary<string, PatientRecord> _patients = new(StringComparer.Ordinal);

    public InMemoryPatientDirectory(params PatientRecord[] patients)
    {
        foreach (var patient in patients)
        {
            _patients[patient.Id] = patient;
        }
    }

    public Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_patients.GetValueOrDefault(patientId));

    public Task<IReadOnlyList<PatientRecord>> ListAsync(IReadOnlyCollection<string>? careTeams, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PatientRecord>>([.. _patients.Values
            .Where(p => careTeams is null || p.CareTeams.Any(careTeams.Contains))
            .OrderBy(p => p.Id, StringComparer.Ordinal)
            .Take(limit)]);

    public Task SaveAsync(PatientRecord patient, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patient);
        _patients[patient.Id] = patient;
        return Task.CompletedTask;
    }
}
