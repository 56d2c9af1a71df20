using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace IoMT.Core.Devices;

/// <summary>Why a shared access signature was not accepted.</summary>
public enum SasTokenError
{
    None,
    Missing,
    Malformed,
    Expired,
    WrongResource,
    BadSignature,
}

/// <summary>
/// Shared access signatures exactly as Azure IoT Hub and DPS build them:
/// <c>SharedAccessSignature sr={URL-encoded resource}&amp;sig={URL-encoded base64 HMAC-SHA256}&amp;se={expiry, Unix
/// seconds}[&amp;skn={key name}]</c>, signed over the URL-encoded resource, a line feed and the expiry, with the
/// base64-decoded key. Device tokens use the resource <c>{hub host}/devices/{device id}</c> and no key name; DPS
/// registration tokens use <c>{id scope}/registrations/{registration id}</c> and the key name <c>registration</c>.
/// </summary>
public sealed record SasToken(string Resource, string EncodedResource, byte[] Signature, long ExpiresAt, string? KeyName)
{
    public const string Scheme = "SharedAccessSignature";

    /// <summary>How far a validator tolerates clocks that disagree: a token is accepted until this long after its expiry.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly long LastSecondBeforeSkew = DateTimeOffset.MaxValue.ToUnixTimeSeconds() - (long)ClockSkew.TotalSeconds;

    /// <summary>
    /// Until when the token is accepted (its expiry plus <see cref="ClockSkew"/>); any expiry from the last representable
    /// time on, however large, means forever.
    /// </summary>
    public DateTimeOffset AcceptedUntil =>
        ExpiresAt >= LastSecondBeforeSkew ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(ExpiresAt) + ClockSkew;

    public static string Create(string resource, string base64Key, DateTimeOffset expiresAt, string? keyName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        var encoded = WebUtility.UrlEncode(resource);
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(Sign(encoded, expiry, Convert.FromBase64String(base64Key)));
        var token = $"{Scheme} sr={encoded}&sig={WebUtility.UrlEncode(signature)}&se={expiry}";
        return keyName is null ? token : $"{token}&skn={WebUtility.UrlEncode(keyName)}";
    }

    /// <summary>Reads a token (as sent in <c>Authorization</c>); null when it is not a well-formed shared access signature.</summary>
    public static SasToken? Parse(string? header)
    {
        if (header is null || header.Length > 4096 || !header.StartsWith(Scheme + " ", StringComparison.Ordinal))
        {
            return null;
        }

        string? encodedResource = null, signature = null, expiry = null, keyName = null;
        foreach (var field in header[(Scheme.Length + 1)..].Split('&'))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return null;
            }

            var value = field[(equals + 1)..];
            switch (field[..equals])
            {
                case "sr" when encodedResource is null: encodedResource = value; break;
                case "sig" when signature is null: signature = value; break;
                case "se" when expiry is null: expiry = value; break;
                case "skn" when keyName is null: keyName = WebUtility.UrlDecode(value); break;
                default: return null;
            }
        }

        if (string.IsNullOrEmpty(encodedResource) || string.IsNullOrEmpty(signature)
            || !long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return null;
        }

        var bytes = new byte[32];
        return Convert.TryFromBase64String(WebUtility.UrlDecode(signature), bytes, out var length) && length == 32
            ? new SasToken(WebUtility.UrlDecode(encodedResource), encodedResource, bytes, expiresAt, keyName)
            : null;
    }

    /// <summary>
    /// Checks a token for <paramref name="expectedResource"/> (compared case-insensitively, as host names are) against
    /// each key in turn (a device's primary and secondary key); <see cref="SasTokenError.None"/> when one signed it.
    /// </summary>
    public SasTokenError Validate(string expectedResource, IEnumerable<string?> base64Keys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(base64Keys);
        if (!string.Equals(Resource, expectedResource, StringComparison.OrdinalIgnoreCase))
        {
            return SasTokenError.WrongResource;
        }

        if (AcceptedUntil <= now)
        {
            return SasTokenError.Expired;
        }

        // Signed over the resource exactly as the device encoded it: encoders differ on a few characters.
        var expiry = ExpiresAt.ToString(CultureInfo.InvariantCulture);
        foreach (var key in base64Keys)
        {
            if (TryDecodeKey(key) is { } bytes && CryptographicOperations.FixedTimeEquals(Sign(EncodedResource, expiry, bytes), Signature))
            {
                return SasTokenError.None;
            }
        }

        return SasTokenError.BadSignature;
    }

    private static byte[] Sign(string encodedResource, string expiry, byte[] key) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry));

    private static byte[]? TryDecodeKey(string? base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return null;
        }

        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var length) && length > 0 ? bytes[..length] : null;
    }
}

/// <summary>DPS group enrollment: a per-device key derived from the group's key, so a factory flashes unique keys offline.</summary>
public static class DpsKeys
{
    /// <summary>base64(HMAC-SHA256(base64-decoded group key, UTF-8 registration id)).</summary>
    public static string DeriveDeviceKey(string base64GroupKey, string registrationId) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(base64GroupKey), Encoding.UTF8.GetBytes(registrationId)));

    /// <summary>A new random 256-bit key, base64, as IoT Hub and DPS generate them.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
