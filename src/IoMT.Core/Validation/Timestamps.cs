using System.Text.Json;

namespace IoMT.Core.Validation;

/// <summary>ISO-8601 date-times with an explicit UTC offset (RFC 3339), e.g. <c>2026-11-21T08:30:00Z</c>.</summary>
internal static class Timestamps
{
    private const int MaxLength = 64;

    public static string FormatMessage(string field) =>
        $"'{field}' must be an ISO-8601 date-time with a UTC offset, e.g. 2026-11-21T08:30:00Z or 2026-11-21T09:30:00+01:00.";

    /// <summary>Reads the current string token; false when it is not an RFC 3339 date-time with an explicit offset.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > MaxLength)
        {
            return false;
        }

        // Nearly every device timestamp takes the fast path; everything else is checked for shape, then parsed.
        if (!reader.ValueIsEscaped && FastTimestamp.TryParse(reader.ValueSpan, out value))
        {
            return true;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[MaxLength];
            return TryParseOther(reader.ValueIsEscaped ? buffer[..reader.CopyString(buffer)] : reader.ValueSpan, out value);
        }
        catch (InvalidOperationException)
        {
            // Unescaping found invalid UTF-8.
            return false;
        }
    }

    /// <summary>Reads a string value captured earlier from <paramref name="body"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, JsonString text, out DateTimeOffset value)
    {
        if (!text.Escaped && FastTimestamp.TryParse(body.Slice(text.Start, text.Length), out value))
        {
            return true;
        }

        var reader = text.ReaderAt(body);
        return TryRead(ref reader, out value);
    }

    /// <summary>Parses UTF-8 text that is not inside JSON, such as a query parameter.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset value) =>
        FastTimestamp.TryParse(text, out value) || TryParseOther(text, out value);

    /// <summary>
    /// The shapes the fast path declines: lowercase 't'/'z' (RFC 3339 allows them), more than 7 fraction digits, or an
    /// escaped string. Only RFC 3339 characters in RFC 3339 places are let through to System.Text.Json.
    /// </summary>
    private static bool TryParseOther(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text.Length > MaxLength || text[4] != '-' || text[7] != '-' || text[10] is not ((byte)'T' or (byte)'t')
            || text[13] != ':' || text[16] != ':' || !HasExplicitOffset(text) || text.IndexOfAnyExcept(Rfc3339Characters) >= 0)
        {
            return false;
        }

        Span<byte> quoted = stackalloc byte[MaxLength + 2];
        quoted[0] = (byte)'"';
        for (var i = 0; i < text.Length; i++)
        {
            quoted[i + 1] = text[i] is (byte)'t' or (byte)'z' ? (byte)(text[i] - 32) : text[i];
        }

        quoted[text.Length + 1] = (byte)'"';
        var upper = quoted[1..(text.Length + 1)];
        if (FastTimestamp.TryParse(upper, out value))
        {
            return true;
        }

        var reader = new Utf8JsonReader(quoted[..(text.Length + 2)]);
        reader.Read();
        try
        {
            return reader.TryGetDateTimeOffset(out value);
        }
        catch (ArgumentOutOfRangeException)
        {
            // An offset that moves the instant outside year 1–9999.
            return false;
        }
    }

    private static readonly System.Buffers.SearchValues<byte> Rfc3339Characters = System.Buffers.SearchValues.Create("0123456789TtZz:+-."u8);

    private static bool HasExplicitOffset(ReadOnlySpan<byte> text) =>
        text.Length > 10 && (text[^1] is (byte)'Z' or (byte)'z' || (text.Length > 16 && text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':'));
}
