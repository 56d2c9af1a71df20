namespace IoMT.Core.Patients;

/// <summary>The shapes of the ways to reach a contact: e-mail address, SMS number (E.164), webhook (https URL).</summary>
public static class ContactChannels
{
    /// <summary>One '@' between a local part (1–64 characters) and a domain with a dot, no spaces.</summary>
    public static bool IsEmail(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var domain = at < 0 ? "" : text[(at + 1)..];
        return at is > 0 and <= 64 && text.LastIndexOf('@') == at && !text.Any(char.IsWhiteSpace)
            && domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>ITU-T E.164: '+', a country code that does not start with 0, at most 15 digits in all.</summary>
    public static bool IsE164(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length is >= 3 and <= 16 && text[0] == '+' && text[1] is >= '1' and <= '9' && !text.AsSpan(1).ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>An absolute https URL without credentials in it (they would be stored and shown as plain text).</summary>
    public static bool IsWebhook(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.UserInfo.Length == 0 && uri.Host.Length > 0;

    /// <summary>What a webhook is shown as: its scheme, host and port, and "…" for a path or query (where receivers put their secret).</summary>
    public static string ShownWebhook(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "…";
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        return uri.PathAndQuery is "/" && uri.Fragment.Length == 0 ? origin + "/" : origin + "/…";
    }

    /// <summary>Whether <paramref name="webhook"/> is a shown webhook (see <see cref="ShownWebhook"/>), not one to call.</summary>
    public static bool IsShownWebhook(string webhook) => webhook.EndsWith("/…", StringComparison.Ordinal);
}
