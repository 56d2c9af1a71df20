using System.Globalization;
using System.Text;

namespace IoMT.Core.Devices;

/// <summary>Who a CONNECT packet says it is (its client id and user name), in IoT Hub's or DPS's dialect.</summary>
public abstract record MqttClientIdentity(string ClientId, string? ApiVersion);

/// <summary>A device of the hub: user name <c>{hub host}/{device id}/?api-version=…</c>, client id the device id.</summary>
public sealed record MqttDeviceIdentity(string HostName, string DeviceId, string? ApiVersion) : MqttClientIdentity(DeviceId, ApiVersion);

/// <summary>
/// A device registering through DPS: user name <c>{id scope}/registrations/{registration id}/api-version=…</c>, client id
/// the registration id.
/// </summary>
public sealed record MqttRegistrationIdentity(string IdScope, string RegistrationId, string? ApiVersion) : MqttClientIdentity(RegistrationId, ApiVersion);

/// <summary>What a device asks with a PUBLISH, by its topic.</summary>
public abstract record MqttDeviceRequest;

/// <summary><c>devices/{id}/messages/events/{property bag}</c>: a device-to-cloud message.</summary>
public sealed record MqttTelemetry(string DeviceId, DeviceMessageProperties Properties) : MqttDeviceRequest;

/// <summary><c>$iothub/twin/GET/?$rid={rid}</c>.</summary>
public sealed record MqttTwinGet(string RequestId) : MqttDeviceRequest;

/// <summary><c>$iothub/twin/PATCH/properties/reported/?$rid={rid}</c> (the body is the patch).</summary>
public sealed record MqttTwinReportedPatch(string RequestId) : MqttDeviceRequest;

/// <summary><c>$dps/registrations/PUT/iotdps-register/?$rid={rid}</c>.</summary>
public sealed record MqttDpsRegister(string RequestId) : MqttDeviceRequest;

/// <summary><c>$dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&amp;operationId={id}</c>.</summary>
public sealed record MqttDpsOperationStatus(string RequestId, string OperationId) : MqttDeviceRequest;

/// <summary>A topic filter a device may subscribe to, by what it receives.</summary>
public enum MqttSubscription
{
    /// <summary><c>devices/{id}/messages/devicebound/#</c>: cloud-to-device messages.</summary>
    CloudToDevice,

    /// <summary><c>$iothub/twin/res/#</c>: answers to twin requests.</summary>
    TwinResponses,

    /// <summary><c>$iothub/twin/PATCH/properties/desired/#</c>: desired-property updates.</summary>
    TwinDesired,

    /// <summary><c>$iothub/methods/POST/#</c>: direct method calls (accepted; this hub never calls one).</summary>
    Methods,

    /// <summary><c>$dps/registrations/res/#</c>: answers to DPS requests.</summary>
    DpsResponses,
}

/// <summary>
/// IoT Hub's and DPS's MQTT 3.1.1 dialect, as pure functions (Microsoft's "Communicate with an IoT hub using the MQTT
/// protocol" and "DPS MQTT support", as Microsoft's device SDKs speak it): the identity in CONNECT, the topics a device
/// publishes to and subscribes to, the topics the hub answers on, and property bags — <c>key=value</c> pairs joined by
/// <c>&amp;</c>, each part URL-encoded, where <c>$.mid</c>, <c>$.cid</c>, <c>$.ct</c> and <c>$.ce</c> are the message id,
/// correlation id, content type and content encoding and other names are application properties.
/// </summary>
public static class IoTHubMqtt
{
    public const string MessageIdKey = "$.mid";
    public const string CorrelationIdKey = "$.cid";
    public const string ContentTypeKey = "$.ct";
    public const string ContentEncodingKey = "$.ce";
    public const string ExpiryKey = "$.exp";
    public const string ToKey = "$.to";
    public const string AckKey = "iothub-ack";

    /// <summary>The application property IoT Hub adds to a message a device published with RETAIN set (it keeps nothing).</summary>
    public const string RetainProperty = "mqtt-retain";

    private const string DevicesPrefix = "devices/";
    private const string EventsPath = "/messages/events";
    private const string DeviceBoundPath = "/messages/devicebound/";
    private const string TwinPrefix = "$iothub/twin/";
    private const string DpsPrefix = "$dps/registrations/";

    /// <summary>
    /// Reads CONNECT's client id and user name: a hub device (<c>{host}/{device}/?api-version=…&amp;DeviceClientType=…</c>,
    /// also the older <c>{host}/{device}/api-version=…</c>) or a DPS registration
    /// (<c>{scope}/registrations/{registration}/api-version=…&amp;ClientVersion=…</c>), whose id must be the client id;
    /// null for anything else (a module identity among them).
    /// </summary>
    public static MqttClientIdentity? ParseConnect(string? clientId, string? userName)
    {
        if (string.IsNullOrEmpty(clientId) || string.IsNullOrEmpty(userName))
        {
            return null;
        }

        var question = userName.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? userName : userName[..question];
        var query = question < 0 ? null : userName[(question + 1)..];
        var segments = path.Split('/');
        if (question < 0 && segments.Length > 2 && segments[^1].Contains('=', StringComparison.Ordinal))
        {
            // The older form without '?': the last segment is the query.
            query = segments[^1];
            segments = segments[..^1];
        }

        if (segments.Length > 0 && segments[^1].Length == 0)
        {
            segments = segments[..^1];
        }

        var apiVersion = query is null ? null : Query(query).FirstOrDefault(p => p.Key == "api-version").Value;
        return segments switch
        {
            [var host, var device] when host.Length > 0 && device == clientId && DeviceIds.IsValid(device) => new MqttDeviceIdentity(host, device, apiVersion),
            [var scope, "registrations", var registration] when scope.Length > 0 && registration == clientId && DeviceIds.IsValid(registration) =>
                new MqttRegistrationIdentity(scope, registration, apiVersion),
            _ => null,
        };
    }

    /// <summary>
    /// What a PUBLISH to <paramref name="topic"/> asks; null for a topic the hub does not serve. <paramref name="retain"/>:
    /// the PUBLISH had RETAIN set (a device-to-cloud message then gets <see cref="RetainProperty"/>).
    /// </summary>
    public static MqttDeviceRequest? ParsePublish(string? topic, bool retain = false)
    {
        if (string.IsNullOrEmpty(topic))
        {
            return null;
        }

        if (topic.StartsWith(DevicesPrefix, StringComparison.Ordinal))
        {
            return ParseTelemetry(topic, retain);
        }

        var question = topic.IndexOf('?', StringComparison.Ordinal);
        var path = (question < 0 ? topic : topic[..question]).TrimEnd('/');
        var query = question < 0 ? [] : Query(topic[(question + 1)..]);
        var rid = query.FirstOrDefault(p => p.Key == "$rid").Value;
        if (string.IsNullOrEmpty(rid))
        {
            return null;
        }

        if (path.StartsWith(TwinPrefix, StringComparison.Ordinal))
        {
            return path[TwinPrefix.Length..] switch
            {
                var p when p.Equals("GET", StringComparison.OrdinalIgnoreCase) => new MqttTwinGet(rid),
                var p when p.Equals("PATCH/properties/reported", StringComparison.OrdinalIgnoreCase) => new MqttTwinReportedPatch(rid),
                _ => null,
            };
        }

        if (path.StartsWith(DpsPrefix, StringComparison.Ordinal))
        {
            var operationId = query.FirstOrDefault(p => p.Key == "operationId").Value;
            return path[DpsPrefix.Length..] switch
            {
                "PUT/iotdps-register" => new MqttDpsRegister(rid),
                "GET/iotdps-get-operationstatus" when !string.IsNullOrEmpty(operationId) => new MqttDpsOperationStatus(rid, operationId),
                _ => null,
            };
        }

        return null;
    }

    /// <summary>
    /// What a device subscribing with <paramref name="filter"/> receives; null for a filter the hub does not serve
    /// (another device's messages among them). <paramref name="registration"/>: the client is registering through DPS.
    /// </summary>
    public static MqttSubscription? ParseSubscription(string? filter, string clientId, bool registration)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (registration)
        {
            return filter == "$dps/registrations/res/#" ? MqttSubscription.DpsResponses : null;
        }

        return filter switch
        {
            "$iothub/twin/res/#" => MqttSubscription.TwinResponses,
            "$iothub/twin/PATCH/properties/desired/#" => MqttSubscription.TwinDesired,
            "$iothub/methods/POST/#" => MqttSubscription.Methods,
            _ when filter == DevicesPrefix + clientId + DeviceBoundPath + "#" => MqttSubscription.CloudToDevice,
            _ => null,
        };
    }

    /// <summary><c>$iothub/twin/res/{status}/?$rid={rid}[&amp;$version={version}]</c>.</summary>
    public static string TwinResponseTopic(int status, string requestId, long? version = null) =>
        string.Create(CultureInfo.InvariantCulture, $"$iothub/twin/res/{status}/?$rid={requestId}") + (version is { } v ? string.Create(CultureInfo.InvariantCulture, $"&$version={v}") : "");

    /// <summary><c>$iothub/twin/PATCH/properties/desired/?$version={version}</c>.</summary>
    public static string DesiredPropertiesTopic(long version) =>
        string.Create(CultureInfo.InvariantCulture, $"$iothub/twin/PATCH/properties/desired/?$version={version}");

    /// <summary><c>$dps/registrations/res/{status}/?$rid={rid}[&amp;retry-after={seconds}]</c>.</summary>
    public static string DpsResponseTopic(int status, string requestId, int? retryAfterSeconds = null) =>
        string.Create(CultureInfo.InvariantCulture, $"$dps/registrations/res/{status}/?$rid={requestId}")
        + (retryAfterSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"&retry-after={seconds}") : "");

    /// <summary>
    /// <c>devices/{id}/messages/devicebound/{property bag}</c> for a cloud-to-device message: its message id, the
    /// <c>$.to</c> IoT Hub sets, its correlation id, its expiry (ISO 8601), the acknowledgement it asks for
    /// (<c>iothub-ack</c>) and its application properties.
    /// </summary>
    public static string CloudToDeviceTopic(
        string deviceId, string messageId, string? correlationId, DateTimeOffset? expiresAt, string? ack, IEnumerable<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        ArgumentNullException.ThrowIfNull(properties);
        var bag = new List<KeyValuePair<string, string?>>
        {
            new(MessageIdKey, messageId),
            new(ToKey, $"/devices/{deviceId}/messages/deviceBound"),
        };
        if (correlationId is not null)
        {
            bag.Add(new(CorrelationIdKey, correlationId));
        }

        if (expiresAt is { } expiry)
        {
            bag.Add(new(ExpiryKey, expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
        }

        if (ack is not null)
        {
            bag.Add(new(AckKey, ack));
        }

        bag.AddRange(properties.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return DevicesPrefix + deviceId + DeviceBoundPath + FormatPropertyBag(bag);
    }

    /// <summary>
    /// Reads a property bag: <c>&amp;</c>-separated parts, each <c>key=value</c>, <c>key=</c> (an empty value) or
    /// <c>key</c> (no value: null), key and value URL-decoded (<c>+</c> stays a plus). Empty parts are skipped.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> ParsePropertyBag(string? bag)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        if (string.IsNullOrEmpty(bag))
        {
            return pairs;
        }

        foreach (var part in bag.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            pairs.Add(equals < 0
                ? new(Uri.UnescapeDataString(part), null)
                : new(Uri.UnescapeDataString(part[..equals]), Uri.UnescapeDataString(part[(equals + 1)..])));
        }

        return pairs;
    }

    /// <summary>Writes a property bag as <see cref="ParsePropertyBag"/> reads it (every key and value URL-encoded).</summary>
    public static string FormatPropertyBag(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var bag = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            if (bag.Length > 0)
            {
                bag.Append('&');
            }

            bag.Append(Uri.EscapeDataString(key));
            if (value is not null)
            {
                bag.Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return bag.ToString();
    }

    /// <summary>
    /// A device-to-cloud message's properties from its property bag: the system properties by their <c>$.</c> keys,
    /// other keys as application properties (a key without value as an empty one; the first of a repeated key wins).
    /// System properties this hub does not keep (<c>$.to</c>, <c>$.uid</c>, <c>$.exp</c>…) are dropped.
    /// </summary>
    public static DeviceMessageProperties ToMessageProperties(IReadOnlyList<KeyValuePair<string, string?>> bag, bool retain = false)
    {
        ArgumentNullException.ThrowIfNull(bag);
        string? messageId = null, correlationId = null, contentType = null, contentEncoding = null;
        var application = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in bag)
        {
            switch (key)
            {
                case MessageIdKey: messageId ??= value; break;
                case CorrelationIdKey: correlationId ??= value; break;
                case ContentTypeKey: contentType ??= value; break;
                case ContentEncodingKey: contentEncoding ??= value; break;
                case var system when system.StartsWith("$.", StringComparison.Ordinal): break;
                default: application.TryAdd(key, value ?? ""); break;
            }
        }

        if (retain)
        {
            application.TryAdd(RetainProperty, "true");
        }

        var creationTime = application.Remove(IoTHubHttp.CreationTimeUtc, out var created) ? created : null;
        return messageId is null && correlationId is null && contentType is null && contentEncoding is null && creationTime is null && application.Count == 0
            ? DeviceMessageProperties.None
            : new DeviceMessageProperties
            {
                MessageId = messageId,
                CorrelationId = correlationId,
                ContentType = contentType,
                ContentEncoding = contentEncoding,
                CreationTimeUtc = creationTime,
                Application = application,
            };
    }

    /// <summary><c>devices/{id}/messages/events</c>, optionally followed by <c>/</c>, a property bag and one more <c>/</c>.</summary>
    private static MqttTelemetry? ParseTelemetry(string topic, bool retain)
    {
        var rest = topic.AsSpan(DevicesPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var deviceId = rest[..slash].ToString();
        var tail = rest[slash..];
        if (!tail.StartsWith(EventsPath, StringComparison.Ordinal))
        {
            return null;
        }

        tail = tail[EventsPath.Length..];
        if (tail.Length > 0)
        {
            if (tail[0] != '/')
            {
                return null;
            }

            tail = tail[1..];
            if (tail.EndsWith("/", StringComparison.Ordinal))
            {
                tail = tail[..^1];
            }

            if (tail.Contains('/'))
            {
                return null;
            }
        }

        return new MqttTelemetry(deviceId, ToMessageProperties(ParsePropertyBag(tail.ToString()), retain));
    }

    /// <summary>A query string's pairs, values URL-decoded (the <c>$rid</c> is echoed as sent, so it is kept raw).</summary>
    private static List<KeyValuePair<string, string>> Query(string query) =>
        [.. query.Split('&').Where(p => p.Length > 0).Select(p =>
        {
            var equals = p.IndexOf('=', StringComparison.Ordinal);
            return equals < 0
                ? new KeyValuePair<string, string>(p, "")
                : new KeyValuePair<string, string>(p[..equals], p[..equals] == "$rid" ? p[(equals + 1)..] : Uri.UnescapeDataString(p[(equals + 1)..]));
        })];
}
