using IoMT.Core.Access;
using IoMT.Core.Api;

namespace IoMT.Core.Patients;

/// <summary>
/// Patients in the directory: admins create them, with their care teams and profile; clinicians read their own. The
/// profile (identity, location, contacts) reaches only callers who may read the patient; nothing of it is logged.
/// </summary>
public sealed class PatientService(IPatientDirectory patients, TimeProvider time)
{
    /// <summary>The earliest time zone (UTC+14) starts a day this much before UTC: a birth there today is not in the future.</summary>
    private static readonly TimeSpan EarliestOffset = TimeSpan.FromHours(14);

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

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime + EarliestOffset);
        var patient = PatientProfileRules.ToRecord(patientId, request, today);
        if (patient.IsSuccess)
        {
            await patients.SaveAsync(patient.Value!, cancellationToken).ConfigureAwait(false);
        }

        return patient;
    }

    public async Task<ApiResult<PatientRecord>> GetAsync(Caller caller, string patientId, CancellationToken cancellationToken = default)
    {
        var (patient, error) = await patients.FindReadableAsync(caller, patientId, cancellationToken).ConfigureAwait(false);
        return error is null ? patient! : error;
    }
}
