using IoMT.Core.Patients;
using IoMT.Core.Workflows;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

/// <summary>Looks up whom the <c>caregiver</c> channel can reach for a patient: the fact the adherence workflow decides with.</summary>
public sealed class CaregiverLookup(IPatientDirectory directory, IOptionsMonitor<NotificationOptions> options) : ICaregiverLookup
{
    /// <summary>The HTTP client that posts to caregivers' webhooks (public internet addresses only, unless allowed).</summary>
    public const string HttpClientName = "caregiver-webhooks";

    public async Task<CaregiverReach> FindAsync(string patientId, CancellationToken cancellationToken = default) =>
        CaregiverReach.Of(await directory.FindAsync(patientId, cancellationToken).ConfigureAwait(false), CaregiverChannel.UsableWays(options.CurrentValue));
}
