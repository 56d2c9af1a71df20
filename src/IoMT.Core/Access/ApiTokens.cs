using System.Security.Cryptography;
using System.Text;

namespace IoMT.Core.Access;

/// <summary>
/// The local host's API tokens: <c>iomt_</c> and 256 random bits (base64url). Stores keep only the SHA-256, so a copy of
/// the store signs no one in; a token's public id is the start of that hash.
/// </summary>
public static class ApiTokens
{
    public const string Prefix = "iomt_";
    public const int MaxLength = 128;

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="token"/> could be one (anything else is refused without a lookup).</summary>
    public static bool IsWellFormed(string token) => token.StartsWith(Prefix, StringComparison.Ordinal) && token.Length <= MaxLength;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The id a token is listed and revoked by: the first 16 hex digits of its hash.</summary>
    public static string IdOf(string hash) => hash[..16];
}
