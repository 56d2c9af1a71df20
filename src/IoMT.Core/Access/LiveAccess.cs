using IoMT.Core.Patients;

namespace IoMT.Core.Access;

/// <summary>What a live stream does with one event: send it, skip it, or end because the caller may no longer sign in.</summary>
public enum LiveDecision
{
    Send,
    Skip,
    End,
}

/// <summary>
/// The access of a long-lived stream (the console's live feed), decided again for every event from what holds now: the
/// caller as their credential resolves at this moment (null once it was revoked, expired or its user disabled) and the
/// patient's current care teams. Access granted when the stream opened counts for nothing later.
/// </summary>
public sealed class LiveAccess(Func<CancellationToken, Task<Caller?>> currentCaller, IPatientDirectory patients)
{
    public async Task<LiveDecision> DecideAsync(string patientId, CancellationToken cancellationToken = default)
    {
        if (await currentCaller(cancellationToken).ConfigureAwait(false) is not { } caller)
        {
            return LiveDecision.End;
        }

        var patient = await patients.FindAsync(patientId, cancellationToken).ConfigureAwait(false);
        return patient is not null && AccessRules.CanReadPatient(caller, patient) ? LiveDecision.Send : LiveDecision.Skip;
    }

    /// <summary>Whether the caller may still sign in (asked when there is no event: on keep-alives and directory changes).</summary>
    public async Task<bool> SignedInAsync(CancellationToken cancellationToken = default) =>
        await currentCaller(cancellationToken).ConfigureAwait(false) is not null;
}
