using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace IoMT.Core.Timeline;

/// <summary>
/// Ids derived from what identifies a record (device, message, position…), so that processing the same input
/// twice writes the same records: a prefix plus 32 hex digits of SHA-256 over the length-prefixed parts. Safe in
/// Cosmos DB ids, SQLite keys and URLs whatever characters the parts hold.
/// </summary>
public static class DeterministicId
{
    private const int HexDigits = 32;

    /// <summary>The id of two texts and a number (written in invariant digits, as the text part would be).</summary>
    public static string Create(string prefix, string part1, string part2, long part3)
    {
        Span<byte> digits = stackalloc byte[20];
        part3.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        var length = 4 + Encoding.UTF8.GetByteCount(part1) + 4 + Encoding.UTF8.GetByteCount(part2) + 4 + written;
        var buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        var offset = Append(buffer, 0, part1);
        offset = Append(buffer, offset, part2);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[offset..], written);
        digits[..written].CopyTo(buffer[(offset + 4)..]);
        return Hash(prefix, buffer);
    }

    public static string Create(string prefix, params ReadOnlySpan<string> parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += 4 + Encoding.UTF8.GetByteCount(part);
        }

        var buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        var offset = 0;
        foreach (var part in parts)
        {
            offset = Append(buffer, offset, part);
        }

        return Hash(prefix, buffer);
    }

    private static int Append(Span<byte> buffer, int offset, string part)
    {
        var written = Encoding.UTF8.GetBytes(part, buffer[(offset + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[offset..], written);
        return offset + 4 + written;
    }

    /// <summary>The prefix and the first half of the SHA-256 of <paramref name="data"/> in lower-case hex, built as one string.</summary>
    internal static string Hash(string prefix, ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[Sha256.HashBytes];
        Sha256.Hash(data, hash);
        if (prefix.Length > 64)
        {
            return string.Concat(prefix, Convert.ToHexStringLower(hash[..(HexDigits / 2)]));
        }

        Span<char> id = stackalloc char[prefix.Length + HexDigits];
        prefix.CopyTo(id);
        Convert.TryToHexStringLower(hash[..(HexDigits / 2)], id[prefix.Length..], out _);
        return new string(id);
    }
}
