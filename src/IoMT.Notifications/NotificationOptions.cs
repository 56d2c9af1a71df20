using System.ComponentModel.DataAnnotations;

namespace IoMT.Notifications;

/// <summary>
/// Notification channels (section <c>Notifications</c>). A policy level names its channels: <c>console</c>,
/// <c>webhook:{name}</c>, <c>teams:{name}</c>, <c>pagerduty:{name}</c>, <c>email</c>, <c>sms</c>. Secrets (webhook
/// secrets, routing keys, access keys) come from configuration, in Azure from Key Vault references.
/// </summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string SectionName = "Notifications";

    /// <summary>Generic webhooks by name: the body is signed with HMAC-SHA256 of the secret.</summary>
    public Dictionary<string, WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>Microsoft Teams workflow webhooks by name (the URL is the secret).</summary>
    public Dictionary<string, TeamsOptions> Teams { get; set; } = [];

    public Dictionary<string, PagerDutyOptions> PagerDuty { get; set; } = [];

    public CommunicationServicesOptions? Email { get; set; }

    public CommunicationServicesOptions? Sms { get; set; }

    /// <summary>
    /// Lets the webhooks of patient profiles' caregivers reach loopback and private network addresses (an on-premises
    /// receiver, a test); off by default, so a profile cannot aim the service at its own network.
    /// </summary>
    public bool CaregiverWebhooksMayUsePrivateNetworks { get; set; }

    /// <summary>The console's address, linked from messages (e.g. https://iomt.example.org); empty for none.</summary>
    public string ConsoleUrl { get; set; } = "";

    /// <summary>Attempts per delivery before it is recorded as failed (escalation moves on regardless).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The pause before the first retry; each next one doubles it (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every invalid setting, so that the start fails naming them all, not just the first.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => Errors().Select(e => new ValidationResult(e));

    public IEnumerable<string> Errors()
    {
        foreach (var (name, webhook) in Webhooks)
        {
            if (!IsHttps(webhook.Url))
            {
                yield return $"{SectionName}:Webhooks:{name}:Url must be an absolute https URL.";
            }

            if (string.IsNullOrEmpty(webhook.Secret) || webhook.Secret.Length < 32)
            {
                yield return $"{SectionName}:Webhooks:{name}:Secret must be at least 32 characters.";
            }
        }

        foreach (var (name, teams) in Teams.Where(t => !IsHttps(t.Value.Url)))
        {
            yield return $"{SectionName}:Teams:{name}:Url must be an absolute https URL.";
        }

        foreach (var (name, pagerDuty) in PagerDuty)
        {
            if (string.IsNullOrEmpty(pagerDuty.RoutingKey))
            {
                yield return $"{SectionName}:PagerDuty:{name}:RoutingKey is required.";
            }

            if (!IsHttps(pagerDuty.Url))
            {
                yield return $"{SectionName}:PagerDuty:{name}:Url must be an absolute https URL.";
            }
        }

        foreach (var (section, acs) in new[] { ("Email", Email), ("Sms", Sms) })
        {
            if (acs is null)
            {
                continue;
            }

            if (!IsHttps(acs.Endpoint))
            {
                yield return $"{SectionName}:{section}:Endpoint must be an absolute https URL.";
            }

            // Without a key, the host signs in with its own Entra identity (its managed identity in Azure).
            if (!string.IsNullOrEmpty(acs.AccessKey) && !IsBase64(acs.AccessKey))
            {
                yield return $"{SectionName}:{section}:AccessKey must be the resource's base64 access key.";
            }

            if (string.IsNullOrEmpty(acs.Sender))
            {
                yield return $"{SectionName}:{section}:Sender is required (a verified sender address, or a phone number in E.164).";
            }
        }
    }

    private static bool IsHttps(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    private static bool IsBase64(string? text) => !string.IsNullOrEmpty(text) && Convert.TryFromBase64String(text, new byte[text.Length], out var length) && length > 0;
}

public sealed class WebhookOptions
{
    public string Url { get; set; } = "";

    public string Secret { get; set; } = "";
}

/// <summary>A Microsoft Teams workflow webhook: its URL carries its own signature, so there is no separate secret.</summary>
public sealed class TeamsOptions
{
    public string Url { get; set; } = "";
}

public sealed class PagerDutyOptions
{
    public string RoutingKey { get; set; } = "";

    public string Url { get; set; } = "https://events.pagerduty.com/v2/enqueue";
}

/// <summary>
/// An Azure Communication Services resource: its endpoint, its access key (none: the host's Entra identity signs in),
/// sender, and who each recipient is.
/// </summary>
public sealed class CommunicationServicesOptions
{
    public string Endpoint { get; set; } = "";

    public string AccessKey { get; set; } = "";

    /// <summary>E-mail: the verified sender address; SMS: the sending number (E.164).</summary>
    public string Sender { get; set; } = "";

    /// <summary>Addresses or phone numbers per recipient (a list: configuration keys cannot hold the ':' of <c>role:nurse</c>).</summary>
    public List<ContactOptions> Contacts { get; set; } = [];

    public IReadOnlyList<string> AddressesOf(IEnumerable<string> recipients) =>
        [.. recipients.SelectMany(r => Contacts.Where(c => c.Recipient == r).SelectMany(c => c.Addresses)).Distinct(StringComparer.OrdinalIgnoreCase)];
}

/// <summary>Who a recipient is on one channel: <c>user:alice</c>, <c>role:nurse</c>, <c>oncall:ward-7</c>, <c>caregiver:p-1</c>… and their addresses.</summary>
public sealed class ContactOptions
{
    public string Recipient { get; set; } = "";

    public List<string> Addresses { get; set; } = [];
}
