using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using IoMT.Core.Pipeline;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;
using IoMT.Core.Validation;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Mapping;

/// <summary>A measurement a template matched but could not map, with the matched part of the message as evidence.</summary>
public sealed record MappingFailure(ValidationError Error, string Raw);

/// <summary>
/// What mapping made of a message: a telemetry contract v1 message (<see cref="Body"/>) holding the readings it could
/// map, and the measurements it could not; or, when nothing in the message could be mapped, why (<see cref="Rejection"/>).
/// </summary>
public sealed record MappedMessage(byte[]? Body, string MessageId, IReadOnlyList<MappingFailure> Failures, ValidationError? Rejection);

public sealed partial class DeviceMapping
{
    private const string MatchedToken = "matchedToken";

    /// <summary>
    /// The id of a mapped message: the transport's message id when the device set one, else a digest of the body, so a
    /// message delivered or sent twice is recognised as a duplicate.
    /// </summary>
    public static string MessageIdOf(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.TransportMessageId is { Length: > 0 and <= 128 } id)
        {
            return id;
        }

        // Written as the reading ids are: the prefix and half of the SHA-256, in hex.
        return DeterministicId.Hash("sha256:", message.Body.Span);
    }

    /// <summary>Maps <paramref name="message"/>; never throws on any body.</summary>
    public MappedMessage Map(ReceivedMessage message, IngestionOptions options) => MapMessage(message, options, utf8: true);

    /// <summary>Maps <paramref name="message"/> on Newtonsoft.Json's document model only, which decides whatever the UTF-8 form leaves to it.</summary>
    internal MappedMessage MapOnDocumentModel(ReceivedMessage message, IngestionOptions options) => MapMessage(message, options, utf8: false);

    private MappedMessage MapMessage(ReceivedMessage message, IngestionOptions options, bool utf8)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var messageId = MessageIdOf(message);
        var body = message.Body.Span;
        if (body.Length > options.MaxMessageBytes)
        {
            return Rejected(messageId, ErrorCodes.MessageTooLarge, $"The message has {body.Length} bytes; the limit is {options.MaxMessageBytes}.");
        }

        if (utf8 && MapUtf8(message, options, messageId) is { } mapped)
        {
            return new MappedMessage(mapped, messageId, [], null);
        }

        if (ParseBody(body, options) is not { } parsed)
        {
            return Rejected(messageId, ErrorCodes.JsonMalformed,
                $"The message is not valid JSON, not valid UTF-8, or nested deeper than {options.MaxJsonDepth} levels.");
        }

        var root = Envelope(parsed, message);
        var readings = new List<MappedReading>();
        var failures = new List<MappingFailure>();
        var matched = false;
        var matches = new List<JToken>();
        foreach (var template in Templates)
        {
            try
            {
                matches.Clear();
                template.TypeMatch.SelectAll(root, matches);
            }
            catch (MappingExpressionException e)
            {
                return Rejected(messageId, ErrorCodes.MappingExpressionFailed, $"{template}: typeMatchExpression '{template.TypeMatch.Text}' failed: {e.Message}");
            }

            foreach (var match in matches)
            {
                matched = true;
                var reading = MapMatch(template, match, root, message.AuthenticatedDeviceId ?? FirstDevice(readings), out var failure);
                if (reading is not null)
                {
                    readings.Add(reading);
                }
                else
                {
                    failures.Add(failure!);
                }
            }

            root.Remove(MatchedToken);
        }

        if (!matched)
        {
            return Rejected(messageId, ErrorCodes.MappingNoMatch,
                $"No template of the device's mapping matches the message (tried {string.Join(", ", Templates.Select(t => $"'{t.TypeName}'"))}).");
        }

        var deviceId = message.AuthenticatedDeviceId ?? FirstDevice(readings) ?? "";
        return new MappedMessage(Write(messageId, deviceId, message.ReceivedAt, readings), messageId, failures, null);
    }

    private static string? FirstDevice(List<MappedReading> readings) => readings.Count > 0 ? readings[0].DeviceId : null;

    private static MappedMessage Rejected(string messageId, string code, string text) => new(null, messageId, [], new ValidationError(code, "", text));

    private static JToken? ParseBody(ReadOnlySpan<byte> body, IngestionOptions options)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return null;
        }

        try
        {
            using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(Encoding.UTF8.GetString(body)))
            {
                DateParseHandling = Newtonsoft.Json.DateParseHandling.None,
                MaxDepth = options.MaxJsonDepth,
                ArrayPool = SharedChars.Instance,
            };
            var token = JToken.ReadFrom(reader, new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error });
            return reader.Read() ? null : token;
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The message as iomt-fhir presents it to templates: <c>Body</c>, <c>Properties</c> and <c>SystemProperties</c>.</summary>
    private static JObject Envelope(JToken body, ReceivedMessage message)
    {
        var properties = new JObject();
        foreach (var (name, value) in message.Properties ?? new Dictionary<string, string>())
        {
            properties[name] = value;
        }

        var system = new JObject { ["iothub-enqueuedtime"] = message.ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) };
        if (message.AuthenticatedDeviceId is { } deviceId)
        {
            system["iothub-connection-device-id"] = deviceId;
        }

        if (message.TransportMessageId is { } transportId)
        {
            system["message-id"] = transportId;
        }

        return new JObject { ["Body"] = body, ["Properties"] = properties, ["SystemProperties"] = system };
    }

    /// <summary>One match → one reading (its device and its members in the contract), or the failure that prevents it.</summary>
    private static MappedReading? MapMatch(
        ContentTemplate template, JToken match, JObject root, string? expectedDevice, out MappingFailure? failure)
    {
        failure = null;
        JToken scope = match;
        if (template.WrapsMatch)
        {
            root[MatchedToken] = match;
            scope = root;
        }

        try
        {
            var deviceId = Text(template.DeviceId.SelectSingle(scope));
            if (deviceId is null)
            {
                failure = Failure(ErrorCodes.MappingRequiredMissing, template, match, $"deviceIdExpression '{template.DeviceId.Text}' found no device id");
                return null;
            }

            if (expectedDevice is not null && !string.Equals(deviceId, expectedDevice, StringComparison.Ordinal))
            {
                failure = Failure(ErrorCodes.DeviceMismatch, template, match,
                    $"the measurement names device '{TelemetryParser.Truncate(deviceId)}' but the message was sent by device '{expectedDevice}'");
                return null;
            }

            var at = Time(template, scope);
            if (at is null)
            {
                failure = Failure(ErrorCodes.MappingRequiredMissing, template, match,
                    $"timestampExpression '{string.Join("' or '", template.Timestamps.Select(t => t.Text))}' found no time");
                return null;
            }

            var members = new List<(string, JToken)> { ("kind", ReadingKinds.ContractName(template.Target.Kind)) };
            foreach (var value in template.Values)
            {
                var token = value.Expression.SelectSingle(scope);
                if (token is null || token.Type == JTokenType.Null || (token.Type == JTokenType.String && string.IsNullOrWhiteSpace(token.Value<string>())))
                {
                    if (value.Required)
                    {
                        failure = Failure(ErrorCodes.MappingRequiredMissing, template, match,
                            $"required value '{value.ValueName}' ({value.Expression.Text}) is missing or empty");
                        return null;
                    }

                    continue;
                }

                members.Add((value.Member, Numeric(value.Member, template.Target) ? AsNumber(token) : token));
            }

            AddDefault(members, "unit", template.Target.Unit);
            AddDefault(members, "method", template.Target.Kind == ReadingKind.Glucose ? template.Target.Method : null);
            members.Add(("at", at));
            return new MappedReading(deviceId, members);
        }
        catch (MappingExpressionException e)
        {
            failure = Failure(ErrorCodes.MappingExpressionFailed, template, match, e.Message);
            return null;
        }
    }

    /// <summary>The first of the template's timestamp expressions that finds a time (text that is not blank, or any non-text value).</summary>
    private static JToken? Time(ContentTemplate template, JToken scope)
    {
        foreach (var expression in template.Timestamps)
        {
            if (expression.SelectSingle(scope) is { } at && (at.Type != JTokenType.String || Text(at) is not null))
            {
                return at;
            }
        }

        return null;
    }

    private static string? Text(JToken? token) =>
        token is JValue { Value: not null } value && value.Type != JTokenType.Null && value.ToString(CultureInfo.InvariantCulture) is { Length: > 0 } text
        && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static void AddDefault(List<(string Member, JToken Value)> members, string member, string? value)
    {
        if (value is null)
        {
            return;
        }

        foreach (var (name, _) in members)
        {
            if (name == member)
            {
                return;
            }
        }

        members.Add((member, value));
    }

    /// <summary>Members that hold numbers; MedTech extracts every value as text, so numbers in strings count as numbers.</summary>
    private static bool Numeric(string member, MappedType target) => member switch
    {
        "value" => ReadingKinds.Get(target.Kind).Range is not null,
        "systolic" or "diastolic" or "puffs" or "flow" => true,
        _ => false,
    };

    private static JToken AsNumber(JToken token) =>
        token.Type == JTokenType.String && double.TryParse(token.Value<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? new JValue(number)
            : token;

    private static MappingFailure Failure(string code, ContentTemplate template, JToken match, string message) =>
        new(new ValidationError(code, PointerOf(match), $"{template}: {message}."), match.ToString(Newtonsoft.Json.Formatting.None));

    /// <summary>Where a match is in the device's body (RFC 6901), e.g. <c>/measurements/2</c>; empty for the whole message.</summary>
    private static string PointerOf(JToken token)
    {
        var segments = new Stack<string>();
        for (var current = token; current.Parent is { } parent; current = parent)
        {
            if (parent is JProperty property)
            {
                segments.Push(property.Name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
            }
            else if (parent is JArray array)
            {
                segments.Push(array.IndexOf(current).ToString(CultureInfo.InvariantCulture));
            }
        }

        // Drop the envelope's "Body" (matches inside Properties keep their full path).
        return string.Concat(segments.SkipWhile((segment, i) => i == 0 && segment == "Body").Select(s => "/" + s));
    }

    private static byte[] Write(string messageId, string deviceId, DateTimeOffset receivedAt, List<MappedReading> readings)
    {
        var writer = StartBody(messageId, deviceId, receivedAt);
        foreach (var reading in readings)
        {
            writer.WriteStartObject();
            foreach (var (member, value) in reading.Members)
            {
                writer.WritePropertyName(member);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return EndBody(writer);
    }

    /// <summary>A contract v1 message up to its readings, written into this thread's buffer (reused: only the finished body is a new array).</summary>
    private static Utf8JsonWriter StartBody(string messageId, string deviceId, DateTimeOffset receivedAt)
    {
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString(Contract.Schema, Contract.SchemaId);
        writer.WriteString(Contract.MessageId, messageId);
        writer.WriteString(Contract.DeviceId, deviceId);
        writer.WriteString(Contract.SentAt, receivedAt);
        writer.WriteStartArray(Contract.Readings);
        return writer;
    }

    private static byte[] EndBody(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return _threadBuffer!.WrittenSpan.ToArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, JToken value)
    {
        switch (value)
        {
            case JValue { Value: string text }:
                writer.WriteStringValue(text);
                break;
            case JValue { Value: bool flag }:
                writer.WriteBooleanValue(flag);
                break;
            case JValue { Value: long whole }:
                writer.WriteNumberValue(whole);
                break;
            case JValue { Value: double number } when double.IsFinite(number):
                writer.WriteNumberValue(number);
                break;
            case JValue { Value: double }:
                // An infinite number cannot be written as JSON; a number far beyond every range takes its place so the
                // reading is rejected as out of range, as a native one would be.
                writer.WriteRawValue("1e308");
                break;
            case JValue { Value: BigInteger big }:
                writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteRawValue(value.ToString(Newtonsoft.Json.Formatting.None));
                break;
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>The contract's member names and schema, encoded once.</summary>
    private static class Contract
    {
        public static readonly JsonEncodedText Schema = JsonEncodedText.Encode("schema");
        public static readonly JsonEncodedText SchemaId = JsonEncodedText.Encode(TelemetryParser.SchemaId);
        public static readonly JsonEncodedText MessageId = JsonEncodedText.Encode("messageId");
        public static readonly JsonEncodedText DeviceId = JsonEncodedText.Encode("deviceId");
        public static readonly JsonEncodedText SentAt = JsonEncodedText.Encode("sentAt");
        public static readonly JsonEncodedText Readings = JsonEncodedText.Encode("readings");
    }

    /// <summary>Newtonsoft.Json's reader borrows its character buffers from the shared pool instead of allocating them.</summary>
    private sealed class SharedChars : Newtonsoft.Json.IArrayPool<char>
    {
        public static readonly SharedChars Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }

    /// <summary>A reading a match produced: the device the match names, and the reading's members as the contract has them.</summary>
    private sealed record MappedReading(string DeviceId, List<(string Member, JToken Value)> Members);
}
