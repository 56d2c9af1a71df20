using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Patients;

/// <summary>What an admin says about a patient: the care teams that look after them.</summary>
public sealed record PatientRequest(IReadOnlyList<string?>? CareTeams);

/// <summary>Patients in the directory: admins create them and assign care teams; clinicians read their own.</summary>
public sealed class PatientService(IPatientDirectory patients)
{
    public async Task<ApiResult<PatientRecord>> SaveAsync(Caller caller, string patientId, PatientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.Has(Role.Admin))
        {
            return ApiError.Forbid("Only admins create patients and assign their care teams.");
        }

        if (!Identifiers.IsValid(patientId))
        {
            return ApiError.InvalidParameter("id", $"A patient id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'.");
        }

        var careTeams = request.CareTeams ?? [];
        for (var i = 0; i < careTeams.Count; i++)
        {
            if (!Identifiers.IsValid(careTeams[i]))
            {
                return ApiError.InvalidBody($"/careTeams/{i}", $"A care team id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'.");
            }
        }

        var patient = new PatientRecord(patientId, [.. careTeams.Select(t => t!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
        await patients.SaveAsync(patient, cancellationToken).ConfigureAwait(false);
        return patient;
    }

    public async Task<ApiResult<PatientRecord>> GetAsync(Caller caller, string patientId, CancellationToken cancellationToken = default)
    {
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        return error is null ? patient! : error;
    }
}
