using System.Globalization;
using System.Text;
using System.Text.Json;
using IoMT.Core.Api;

namespace IoMT.Core.Devices;

/// <summary>
/// What a device may set on a device-to-cloud message besides its body, as IoT Hub keeps it: the system properties
/// <c>message-id</c>, <c>correlation-id</c>, <c>content-type</c>, <c>content-encoding</c> and
/// <c>iothub-creation-time-utc</c>, and application properties (name → value). Every transport fills this one type:
/// HTTPS from <c>iothub-*</c> headers or a batch's <c>properties</c>, MQTT from the topic's property bag.
/// </summary>
public sealed record DeviceMessageProperties
{
    public static readonly DeviceMessageProperties None = new();

    public string? MessageId { get; init; }

    public string? CorrelationId { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    /// <summary>When the device says it created the message (IoT Hub's <c>iothub-creation-time-utc</c>), as the device wrote it.</summary>
    public string? CreationTimeUtc { get; init; }

    /// <summary>Application properties, names as the device sent them (without a transport's prefix).</summary>
    public IReadOnlyDictionary<string, string> Application { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when the message carries nothing but its body and its message id (which has a place of its own).</summary>
    public bool HasNoOtherProperties =>
        CorrelationId is null && ContentType is null && ContentEncoding is null && CreationTimeUtc is null && Application.Count == 0;

    /// <summary>
    /// What ingestion reads as <c>$.Properties</c>, the same as the Azure host gives it from Event Hubs: the application
    /// properties, with the device's creation time under <c>iothub-creation-time-utc</c> when it set one. The other
    /// system properties are not application properties and stay out, as in Azure. Null when there is nothing.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ForIngestion()
    {
        if (Application.Count == 0 && CreationTimeUtc is null)
        {
            return null;
        }

        var properties = new Dictionary<string, string>(Application, StringComparer.Ordinal);
        if (CreationTimeUtc is not null)
        {
            properties.TryAdd(IoTHubHttp.CreationTimeUtc, CreationTimeUtc);
        }

        return properties;
    }
}

/// <summary>One device-to-cloud message as a transport received it: the body and its properties.</summary>
public sealed record DeviceMessage(byte[] Body, DeviceMessageProperties Properties);

/// <summary>
/// IoT Hub's HTTPS device protocol for device-to-cloud messages (what Microsoft's device SDKs send to
/// <c>POST /devices/{id}/messages/events</c>): a single message is the request body with its properties as headers
/// (<c>iothub-messageid</c>, <c>iothub-correlationid</c>, <c>iothub-contenttype</c>, <c>iothub-contentencoding</c>,
/// <c>iothub-creation-time-utc</c>, and <c>iothub-app-{name}</c> per application property); a batch is
/// <c>Content-Type: application/vnd.microsoft.iothub.json</c> with a JSON array of
/// <c>{"body": base64, "base64Encoded"?: true, "properties"?: {header name: value}}</c>, the properties named as the
/// headers would be. The Node.js SDK's batches carry application properties only (no message id); the C# SDK's carry
/// the system properties too.
/// </summary>
public static class IoTHubHttp
{
    public const string MessageId = "iothub-messageid";
    public const string CorrelationId = "iothub-correlationid";
    public const string ContentType = "iothub-contenttype";
    public const string ContentEncoding = "iothub-contentencoding";
    public const string CreationTimeUtc = "iothub-creation-time-utc";
    public const string ApplicationPrefix = "iothub-app-";
    public const string BatchMediaType = "application/vnd.microsoft.iothub.json";

    /// <summary>Whether a request's <c>Content-Type</c> says it is a batch.</summary>
    public static bool IsBatch(string? contentType) =>
        contentType is not null && contentType.TrimStart().StartsWith(BatchMediaType, StringComparison.OrdinalIgnoreCase)
        && (contentType.TrimStart().Length == BatchMediaType.Length || contentType.TrimStart()[BatchMediaType.Length] is ';' or ' ');

    /// <summary>
    /// The properties of a single message from its request headers (names compared case-insensitively, as HTTP does;
    /// the first value of a repeated header). Headers IoT Hub does not keep with a message are ignored.
    /// </summary>
    public static DeviceMessageProperties FromHeaders(IEnumerable<KeyValuePair<string, string?>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var builder = new Builder();
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                builder.Add(name, value);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// Reads a batch body; each element becomes a message of its own. Refused as a whole (nothing of it is taken) when
    /// any part is unreadable, with the JSON pointer of the part at fault: not a JSON array, an element without a
    /// string <c>body</c>, a body that is not base64 although <c>base64Encoded</c> is not false, a property value that
    /// is not a string, number or boolean.
    /// </summary>
    public static ApiResult<IReadOnlyList<DeviceMessage>> ParseBatch(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return ApiError.InvalidBody("", $"The batch is not valid JSON ({e.Message}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return ApiError.InvalidBody("", $"A batch ({BatchMediaType}) is a JSON array of {{\"body\": base64, \"properties\": {{…}}}}.");
            }

            if (root.GetArrayLength() == 0)
            {
                return ApiError.InvalidBody("", "The batch holds no message.");
            }

            var messages = new List<DeviceMessage>(root.GetArrayLength());
            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                var message = ParseBatchElement(element, $"/{index}");
                if (!message.IsSuccess)
                {
                    return message.Error!;
                }

                messages.Add(message.Value!);
                index++;
            }

            return messages;
        }
    }

    private static ApiResult<DeviceMessage> ParseBatchElement(JsonElement element, string pointer)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return ApiError.InvalidBody(pointer, "Each message of a batch is a JSON object with a 'body'.");
        }

        if (!element.TryGetProperty("body", out var bodyElement) || bodyElement.ValueKind != JsonValueKind.String)
        {
            return ApiError.InvalidBody(pointer + "/body", "Each message of a batch needs a 'body' string (base64 unless 'base64Encoded' is false).");
        }

        var base64 = true;
        if (element.TryGetProperty("base64Encoded", out var encoded))
        {
            if (encoded.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return ApiError.InvalidBody(pointer + "/base64Encoded", "'base64Encoded' is true or false.");
            }

            base64 = encoded.ValueKind == JsonValueKind.True;
        }

        var text = bodyElement.GetString()!;
        byte[] body;
        if (base64)
        {
            body = new byte[text.Length];
            if (!Convert.TryFromBase64String(text, body, out var length))
            {
                return ApiError.InvalidBody(pointer + "/body", "The body is not base64 ('base64Encoded' is true unless the message says false).");
            }

            body = body[..length];
        }
        else
        {
            body = Encoding.UTF8.GetBytes(text);
        }

        var builder = new Builder();
        if (element.TryGetProperty("properties", out var properties) && properties.ValueKind != JsonValueKind.Null)
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                return ApiError.InvalidBody(pointer + "/properties", "'properties' is a JSON object of names and string values.");
            }

            foreach (var property in properties.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is null)
                {
                    return ApiError.InvalidBody($"{pointer}/properties/{Escape(property.Name)}", "A property's value is a string.");
                }

                builder.Add(property.Name, value);
            }
        }

        return new DeviceMessage(body, builder.Build());
    }

    /// <summary>A member name as a JSON pointer segment (RFC 6901).</summary>
    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>Collects properties by their IoT Hub header names; the first of a repeated name wins.</summary>
    private sealed class Builder
    {
        private readonly Dictionary<string, string> _application = new(StringComparer.Ordinal);
        private DeviceMessageProperties _properties = new();

        public void Add(string name, string value)
        {
            if (name.StartsWith(ApplicationPrefix, StringComparison.OrdinalIgnoreCase))
            {
                if (name.Length > ApplicationPrefix.Length)
                {
                    _application.TryAdd(name[ApplicationPrefix.Length..], value);
                }

                return;
            }

            if (Is(name, MessageId))
            {
                _properties = _properties with { MessageId = _properties.MessageId ?? value };
            }
            else if (Is(name, CorrelationId))
            {
                _properties = _properties with { CorrelationId = _properties.CorrelationId ?? value };
            }
            else if (Is(name, ContentType))
            {
                _properties = _properties with { ContentType = _properties.ContentType ?? value };
            }
            else if (Is(name, ContentEncoding))
            {
                _properties = _properties with { ContentEncoding = _properties.ContentEncoding ?? value };
            }
            else if (Is(name, CreationTimeUtc))
            {
                _properties = _properties with { CreationTimeUtc = _properties.CreationTimeUtc ?? value };
            }
        }

        public DeviceMessageProperties Build() =>
            _application.Count == 0 && _properties.MessageId is null && _properties.HasNoOtherProperties
                ? DeviceMessageProperties.None
                : _properties with { Application = _application };

        private static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An HTTP date (RFC 9110), as IoT Hub's HTTPS headers carry times.</summary>
    public static string HttpDate(DateTimeOffset at) => at.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
}
