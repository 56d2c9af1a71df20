namespace IoMT.Core.Patients;

/// <summary>
/// The caregivers a patient's profile names (contacts marked <see cref="PatientContact.Caregiver"/>) and their addresses
/// on each way of reaching them, each counted only in the shape the profile accepts (<see cref="ContactChannels"/>).
/// </summary>
public static class Caregivers
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Webhook = "webhook";

    /// <summary>The caregivers' e-mail addresses, SMS numbers or webhook URLs (<paramref name="way"/>), each once.</summary>
    public static IReadOnlyList<string> Addresses(PatientRecord? patient, string way) =>
    [
        .. (patient?.Contacts ?? []).Where(c => c.Caregiver).Select(c => way switch
        {
            Email => c.Email is { } email && ContactChannels.IsEmail(email) ? email : null,
            Sms => c.Sms is { } number && ContactChannels.IsE164(number) ? number : null,
            Webhook => c.Webhook is { } url && ContactChannels.IsWebhook(url) ? url : null,
            _ => null,
        }).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase),
    ];
}
