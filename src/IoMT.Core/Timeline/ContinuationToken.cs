using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace IoMT.Core.Timeline;

/// <summary>
/// The position after the last entry of a page, (time, id), as an opaque URL-safe token. The same format for every
/// store, so a token keeps working when a host changes stores. A token that cannot be read is refused.
/// </summary>
public readonly record struct ContinuationToken(long AtUtcTicks, string Id)
{
    private const string Version = "v1";

    public static ContinuationToken After(TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ContinuationToken(record.At.UtcTicks, record.Id);
    }

    /// <summary>Whether <paramref name="record"/> comes after this position in (time, id) order.</summary>
    public bool Precedes(TimelineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var ticks = record.At.UtcTicks;
        return ticks > AtUtcTicks || (ticks == AtUtcTicks && string.CompareOrdinal(record.Id, Id) > 0);
    }

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}|{AtUtcTicks}|{Id}")));

    public static bool TryParse(string? token, out ContinuationToken value)
    {
        value = default;
        if (string.IsNullOrEmpty(token) || token.Length > 512)
        {
            return false;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|', 3);
            if (parts.Length != 3 || parts[0] != Version || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTime.MaxValue.Ticks || parts[2].Length == 0)
            {
                return false;
            }

            value = new ContinuationToken(ticks, parts[2]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads the query's token, or throws <see cref="ArgumentException"/> naming it (hosts answer 400).</summary>
    public static ContinuationToken? From(TimelineQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.ContinuationToken is null)
        {
            return null;
        }

        return TryParse(query.ContinuationToken, out var token)
            ? token
            : throw new ArgumentException("The continuation token is not valid.", nameof(query));
    }
}
