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

    /// <summary>
    /// Whether the current string token equals <paramref name="text"/>; false, never an exception, for text that is not
    /// valid (an unpaired surrogate escape). Device ids are ASCII, so the common case compares bytes with characters
    /// directly instead of transcoding the string.
    /// </summary>
    public static bool ValueEquals(ref Utf8JsonReader reader, string text)
    {
        if (!reader.ValueIsEscaped)
        {
            var value = reader.ValueSpan;
            if (value.Length == text.Length && System.Text.Ascii.Equals(value, text))
            {
                return true;
            }

            if (System.Text.Ascii.IsValid(text))
            {
                return false;
            }
        }

        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether the current string token equals the UTF-8 <paramref name="utf8"/>; false for text that is not valid.</summary>
    public static bool ValueEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.SequenceEqual(utf8);
        }

        try
        {
            return reader.ValueTextEquals(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Length in Unicode characters (code points), as JSON Schema's <c>maxLength</c> counts them.</summary>
    public static int CharacterCount(string text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }
}

/// <summary>Matches property names and codes on their unescaped UTF-8 bytes.</summary>
internal static class JsonNames
{
    private const int MaxNameLength = 32;

    /// <summary>Unescapes the current (escaped) token to the stack and identifies it; names longer than any we know are unknown.</summary>
    public static T Unescaped<T>(ref Utf8JsonReader reader, Func<ReadOnlySpan<byte>, T> identify)
    {
        Span<byte> buffer = stackalloc byte[MaxNameLength];
        try
        {
            return reader.ValueSpan.Length <= MaxNameLength * 6 && reader.CopyString(buffer) is var length
                ? identify(buffer[..length])
                : identify([]);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // Invalid UTF-8, or longer than any known name once unescaped.
            return identify([]);
        }
    }
}

/// <summary>Where a JSON string value sits in the message body, so it can be matched or read later without copying.</summary>
internal readonly record struct JsonString(int Start, int Length, bool Escaped)
{
    public static JsonString Of(ref Utf8JsonReader reader) =>
        new((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);

    /// <summary>Identifies the string with <paramref name="identify"/>, unescaping it first when needed.</summary>
    public T Identify<T>(ReadOnlySpan<byte> body, Func<ReadOnlySpan<byte>, T> identify)
    {
        if (!Escaped)
        {
            return identify(body.Slice(Start, Length));
        }

        var reader = ReaderAt(body);
        return JsonNames.Unescaped(ref reader, identify);
    }

    public bool Matches(ReadOnlySpan<byte> body, ReadOnlySpan<byte> utf8)
    {
        if (!Escaped)
        {
            return body.Slice(Start, Length).SequenceEqual(utf8);
        }

        var reader = ReaderAt(body);
        return JsonText.ValueEquals(ref reader, utf8);
    }

    public bool TryGetString(ReadOnlySpan<byte> body, [NotNullWhen(true)] out string? text)
    {
        var reader = ReaderAt(body);
        return JsonText.TryRead(ref reader, out text);
    }

    public string ToDisplayString(ReadOnlySpan<byte> body) =>
        TryGetString(body, out var text) ? TelemetryParser.Truncate(text) : "(not valid UTF-8)";

    public Utf8JsonReader ReaderAt(ReadOnlySpan<byte> body)
    {
        // The slice includes the quotes, so the reader sees exactly one string token.
        var reader = new Utf8JsonReader(body.Slice(Start - 1, Length + 2));
        reader.Read();
        return reader;
    }
}
