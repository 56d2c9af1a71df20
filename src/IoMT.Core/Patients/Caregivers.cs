namespace IoMT.Core.Patients;

/// <summary>
/// The caregivers a patient's profile names (contacts marked <see cref="PatientContact.Caregiver"/>) and their addresses
/// on each way of reaching them. A webhook counts only as an absolute https URL, the rule of configured webhooks.
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
            Email => c.Email,
            Sms => c.Sms,
            Webhook => IsHttps(c.Webhook) ? c.Webhook : null,
            _ => null,
        }).OfType<string>().Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase),
    ];

    private static bool IsHttps(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
