using System.Security.Cryptography;
using System.Text;

namespace IoMT.Core.Timeline;

/// <summary>
/// Ids derived from what identifies a record (device, message, position…), so that processing the same input
/// twice writes the same records: a prefix plus 32 hex digits of SHA-256 over the length-prefixed parts. Safe in
/// Cosmos DB ids, SQLite keys and URLs whatever characters the parts hold.
/// </summary>
public static class DeterministicId
{
    public static string Create(string prefix, string part1, string part2, long part3) =>
        Create(prefix, [part1, part2, part3.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

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
            var written = Encoding.UTF8.GetBytes(part, buffer[(offset + 4)..]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer[offset..], written);
            offset += 4 + written;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer, hash);
        return string.Concat(prefix, Convert.ToHexStringLower(hash[..16]));
    }
}
