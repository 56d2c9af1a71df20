using System.Globalization;
using System.Text;

namespace IoMT.Core.Validation;

/// <summary>Date-times as the product reads and writes them everywhere: RFC 3339, always with an explicit UTC offset.</summary>
public static class Rfc3339
{
    /// <summary>True for the same texts the telemetry contract accepts, e.g. <c>2026-11-21T08:30:00Z</c>.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !Ascii.IsValid(text))
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[text.Length];
        Encoding.ASCII.GetBytes(text, utf8);
        return Timestamps.TryParse(utf8, out value);
    }

    /// <summary>The shortest exact form, keeping the offset: <c>2026-11-21T08:30:00.25+01:00</c>, <c>…Z</c> for UTC.</summary>
    public static string Format(DateTimeOffset value) =>
        value.Offset == TimeSpan.Zero
            ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
            : value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    public static string Message(string field) => Timestamps.FormatMessage(field);
}
