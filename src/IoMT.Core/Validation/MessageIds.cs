using System.Text.Json;

namespace IoMT.Core.Validation;

/// <summary>Finds a message's id without validating it, for transports that record it before the pipeline runs.</summary>
public static class MessageIds
{
    /// <summary>The top-level <c>messageId</c> string of a JSON object; null when there is none or the body is not JSON.</summary>
    public static string? TryRead(ReadOnlySpan<byte> body)
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
                var isMessageId = reader.ValueTextEquals("messageId"u8);
                reader.Read();
                if (isMessageId)
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
