using IoMT.Core.Api;
using IoMT.Core.Patients;

namespace IoMT.Core.Access;

/// <summary>Finding a patient on behalf of a caller: the patient when the caller may see them, otherwise why not.</summary>
public static class PatientAccess
{
    public static async Task<(PatientRecord? Patient, ApiError? Error)> FindReadableAsync(
        this IPatientDirectory directory, Caller caller, string patientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(caller);
        if (!Identifiers.IsValid(patientId))
        {
            return (null, ApiError.InvalidParameter("id", $"A patient id is 1–{Identifiers.MaxLength} letters, digits, '-', '_' or '.'."));
        }

        if (!caller.Has(Role.Admin) && !caller.Roles.Any(role => role.IsClinical()))
        {
            return (null, new ApiError(403, ApiError.Forbidden, "Only admins, care coordinators, nurses and physicians read patient records."));
        }

        var patient = await directory.FindAsync(patientId, cancellationToken).ConfigureAwait(false);
        return patient is not null && AccessRules.CanReadPatient(caller, patient) ? (patient, null) : (null, ApiError.NoSuchPatient(patientId));
    }
}

/// <summary>The patients a caller may read, each looked up once: a list or a live stream asks about the same patients again and again.</summary>
public sealed class ReadablePatients(IPatientDirectory directory, Caller caller)
{
    private readonly Dictionary<string, PatientRecord?> _known = new(StringComparer.Ordinal);

    /// <summary>The patient, or null when there is no such patient or the caller may not read them.</summary>
    public async Task<PatientRecord?> FindAsync(string patientId, CancellationToken cancellationToken = default)
    {
        if (!_known.TryGetValue(patientId, out var patient))
        {
            patient = await directory.FindAsync(patientId, cancellationToken).ConfigureAwait(false);
            _known[patientId] = patient = patient is not null && AccessRules.CanReadPatient(caller, patient) ? patient : null;
        }

        return patient;
    }
}
