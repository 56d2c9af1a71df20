using IoMT.Core.Patients;

namespace IoMT.Core.Access;

/// <summary>Who may see what. Hosts authenticate; these rules decide, the same way in every host.</summary>
public static class AccessRules
{
    /// <summary>
    /// Admins see every patient; care coordinators, nurses and physicians see the patients of their care teams; device
    /// makers see devices, never patients.
    /// </summary>
    public static bool CanReadPatient(Caller caller, PatientRecord patient)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(patient);
        if (caller.Has(Role.Admin))
        {
            return true;
        }

        return caller.Roles.Any(role => role.IsClinical()) && patient.CareTeams.Any(caller.CareTeams.Contains);
    }
}
