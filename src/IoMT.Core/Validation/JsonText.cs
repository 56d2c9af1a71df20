using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace IoMT.Core.Validation;

/// <summary>Reads JSON strings without ever throwing on invalid UTF-8.</summary>
internal static class JsonText
{
    public static bool TryRead(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    public static string ReadOrPlaceholder(ref Utf8JsonReader reader) => TryRead(ref reader, out var text) ? text : "(not valid UTF-8)";
}

/// <summary>Where a JSON string value sits in the message body, so it can be matched or read later without copying.</summary>
internal readonly record struct JsonString(int Start, int Length, bool Escaped)
{
    public static JsonString Of(ref Utf8JsonReader reader) =>
        new((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);

    public bool Matches(ReadOnlySpan<byte> body, ReadOnlySpan<byte> utf8)
    {
        if (!Escaped)
        {
            return body.Slice(Start, Length).SequenceEqual(utf8);
        }

        var reader = ReaderAt(body);
        return reader.ValueTextEquals(utf8);
    }

    public bool TryGetString(ReadOnlySpan<byte> body, [NotNullWhen(true)] out string? text)
    {
        var reader = ReaderAt(body);
        return JsonText.TryRead(ref reader, out text);
    }

    public string ToDisplayString(ReadOnlySpan<byte> body) =>
        TryGetString(body, out var text) ? TelemetryParser.Truncate(text) : "(not valid UTF-8)";

    private Utf8JsonReader ReaderAt(ReadOnlySpan<byte> body)
    {
        // The slice includes the quotes, so the reader sees exactly one string token.
        var reader = new Utf8JsonReader(body.Slice(Start - 1, Length + 2));
        reader.Read();
        return reader;
    }
}
