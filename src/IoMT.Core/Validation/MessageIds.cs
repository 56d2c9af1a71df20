using System.Text.Json;

namespace IoMT.Core.Validation;

/// <summary>Finds a message's id without validating it, for transports that record it before the pipeline runs.</summary>
public static class MessageIds
{
    /// <summary>The top-level <c>messageId</c> string of a JSON object; null when there is none or the body is not JSON.</summary>
    public static string? TryRead(ReadOnlySpan<byte> body) => TryReadString(body, "messageId"u8);

    /// <summary>
    /// Whether the body says it is a telemetry contract message (a top-level <c>schema</c> of <c>iomt.telemetry/…</c>): such
    /// messages are judged as the contract says even from a device with a mapping; everything else from it is mapped.
    /// </summary>
    public static bool IsContractMessage(ReadOnlySpan<byte> body) =>
        TryReadString(body, "schema"u8)?.StartsWith("iomt.telemetry/", StringComparison.Ordinal) == true;

    private static string? TryReadString(ReadOnlySpan<byte> body, ReadOnlySpan<byte> name)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var found = reader.ValueTextEquals(name);
                reader.Read();
                if (found)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON: the pipeline quarantines it with the precise reason.
        }

        return null;
    }
}
