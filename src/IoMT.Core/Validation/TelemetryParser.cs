using System.Text;
using System.Text.Json;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Validation;

/// <summary>The envelope of a telemetry message and, when the whole message is rejected, why.</summary>
public readonly record struct MessageEnvelope(string? MessageId, string? DeviceId, DateTimeOffset SentAt, ValidationError? Error)
{
    public bool IsRejected => Error is not null;
}

/// <summary>One element of <c>readings</c>: a validated reading or the reason it was rejected, and where it sits in the body.</summary>
public readonly record struct ReadingResult(int Index, Reading? Reading, ValidationError? Error, int RawStart, int RawLength)
{
    public ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> body) => body.Slice(RawStart, RawLength);
}

/// <summary>
/// Parses and validates a telemetry contract v1 message in one pass over its UTF-8 bytes, with no document
/// object model: envelope checks, then each reading on its own (one bad reading does not reject its siblings),
/// converted to canonical units. Never throws on any input.
/// </summary>
public static class TelemetryParser
{
    public const string SchemaId = "iomt.telemetry/1";

    private static readonly byte[] SchemaIdUtf8 = Encoding.UTF8.GetBytes(SchemaId);

    /// <summary>
    /// Parses <paramref name="body"/>. Reading results are appended to <paramref name="readings"/> (which the caller
    /// may reuse between messages); they are meaningless when the envelope is rejected.
    /// </summary>
    /// <param name="authenticatedDeviceId">The identity the transport authenticated; null skips the <c>device.mismatch</c> check.</param>
    public static MessageEnvelope Parse(ReadOnlySpan<byte> body, string? authenticatedDeviceId, DateTimeOffset receivedAt, IngestionOptions options, List<ReadingResult> readings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(readings);
        if (body.Length > options.MaxMessageBytes)
        {
            return Rejected(ErrorCodes.MessageTooLarge, "", $"The message has {body.Length} bytes; the limit is {options.MaxMessageBytes}.");
        }

        // The reader checks text only where it decodes it: invalid UTF-8 in a member it skips, or in a member's name, would
        // pass unseen (or as a missing member).
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Rejected(ErrorCodes.JsonMalformed, "", $"The message is not valid UTF-8 (byte {FirstInvalidUtf8(body)}).");
        }

        var envelope = new EnvelopeFields(authenticatedDeviceId);
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = options.MaxJsonDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Rejected(ErrorCodes.SchemaType, "", "The message must be a JSON object.");
            }

            var context = new ReadingContext(body, receivedAt, options, readings);
            ParseEnvelope(ref reader, ref envelope, ref context);

            // Anything after the root object is malformed; Read() throws on it.
            reader.Read();
        }
        catch (JsonException e)
        {
            readings.Clear();
            return Rejected(ErrorCodes.JsonMalformed, "", $"The message is not valid JSON: {e.Message}");
        }

        return envelope.Complete();
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        System.Text.Unicode.Utf8.ToUtf16(body, new char[body.Length], out var valid, out _, replaceInvalidSequences: false);
        return valid;
    }

    private static MessageEnvelope Rejected(string code, string pointer, string message) =>
        new(null, null, default, new ValidationError(code, pointer, message));

    private static void ParseEnvelope(ref Utf8JsonReader reader, ref EnvelopeFields envelope, ref ReadingContext context)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueIsEscaped ? JsonNames.Unescaped(ref reader, IdentifyEnvelopeField) : IdentifyEnvelopeField(reader.ValueSpan);
            reader.Read();
            if (field == EnvelopeField.Unknown)
            {
                reader.Skip();
                continue;
            }

            if (!envelope.MarkSeen(field))
            {
                envelope.Fail(field, ErrorCodes.SchemaDuplicateProperty, $"'{Name(field)}' appears more than once.");
                reader.Skip();
                continue;
            }

            if (field == EnvelopeField.Readings)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    envelope.Fail(field, ErrorCodes.SchemaType, "'readings' must be an array.");
                    reader.Skip();
                    continue;
                }

                envelope.TooManyReadings = ParseReadings(ref reader, ref context);
                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                envelope.Fail(field, ErrorCodes.SchemaType, $"'{Name(field)}' must be a string.");
                reader.Skip();
                continue;
            }

            envelope.Capture(field, ref reader);
        }
    }

    /// <summary>Parses the readings array; returns true when it holds more readings than allowed.</summary>
    private static bool ParseReadings(ref Utf8JsonReader reader, ref ReadingContext context)
    {
        var index = 0;
        var tooMany = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index >= context.Options.MaxReadingsPerMessage)
            {
                tooMany = true;
                reader.Skip();
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                context.Readings.Add(new ReadingResult(index, null,
                    new ValidationError(ErrorCodes.SchemaType, $"/readings/{index}", "Each reading must be a JSON object."),
                    start, (int)reader.BytesConsumed - start));
            }
            else
            {
                var fields = new ReadingFields();
                ReadReadingFields(ref reader, ref fields);
                var rawLength = (int)reader.BytesConsumed - start;
                var (reading, error) = ReadingValidator.Validate(ref fields, index, ref context);
                context.Readings.Add(new ReadingResult(index, reading, error, start, rawLength));
            }

            index++;
        }

        return tooMany;
    }

    private static void ReadReadingFields(ref Utf8JsonReader reader, ref ReadingFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var id = ReadingFields.Identify(ref reader);
            reader.Read();
            if (id == ReadingFieldId.Unknown)
            {
                reader.Skip();
                continue;
            }

            fields.Capture(id, ref reader);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }
    }

    private static EnvelopeField IdentifyEnvelopeField(ReadOnlySpan<byte> name) => name.Length switch
    {
        6 when name.SequenceEqual("schema"u8) => EnvelopeField.Schema,
        6 when name.SequenceEqual("sentAt"u8) => EnvelopeField.SentAt,
        8 when name.SequenceEqual("deviceId"u8) => EnvelopeField.DeviceId,
        8 when name.SequenceEqual("readings"u8) => EnvelopeField.Readings,
        9 when name.SequenceEqual("messageId"u8) => EnvelopeField.MessageId,
        _ => EnvelopeField.Unknown,
    };

    private static string Name(EnvelopeField field) => field switch
    {
        EnvelopeField.Schema => "schema",
        EnvelopeField.MessageId => "messageId",
        EnvelopeField.DeviceId => "deviceId",
        EnvelopeField.SentAt => "sentAt",
        _ => "readings",
    };

    private enum EnvelopeField
    {
        Schema,
        MessageId,
        DeviceId,
        SentAt,
        Readings,
        Unknown,
    }

    /// <summary>What the envelope held, and the first problem of each field, checked in a fixed order at the end.</summary>
    private struct EnvelopeFields(string? authenticatedDeviceId)
    {
        private const int FieldCount = 5;
        private const int MaxIdLength = 128;

        private int _seen;
        private ValidationError? _schemaError;
        private ValidationError? _messageIdError;
        private ValidationError? _deviceIdError;
        private ValidationError? _sentAtError;
        private ValidationError? _readingsError;
        private string? _messageId;
        private string? _deviceId;
        private DateTimeOffset _sentAt;

        public bool TooManyReadings { get; set; }

        public bool MarkSeen(EnvelopeField field)
        {
            var bit = 1 << (int)field;
            var first = (_seen & bit) == 0;
            _seen |= bit;
            return first;
        }

        public void Fail(EnvelopeField field, string code, string message)
        {
            var error = new ValidationError(code, "/" + Name(field), message);
            switch (field)
            {
                case EnvelopeField.Schema: _schemaError ??= error; break;
                case EnvelopeField.MessageId: _messageIdError ??= error; break;
                case EnvelopeField.DeviceId: _deviceIdError ??= error; break;
                case EnvelopeField.SentAt: _sentAtError ??= error; break;
                default: _readingsError ??= error; break;
            }
        }

        public void Capture(EnvelopeField field, ref Utf8JsonReader reader)
        {
            switch (field)
            {
                case EnvelopeField.Schema:
                    if (!JsonText.ValueEquals(ref reader, SchemaIdUtf8))
                    {
                        Fail(field, ErrorCodes.SchemaVersion,
                            $"Unsupported schema '{Truncate(JsonText.ReadOrPlaceholder(ref reader))}'; this service accepts '{SchemaId}'.");
                    }

                    break;
                case EnvelopeField.MessageId:
                    _messageId = ReadId(field, ref reader);
                    break;
                case EnvelopeField.DeviceId:
                    // The common case, a device naming itself, allocates nothing.
                    _deviceId = authenticatedDeviceId is not null && JsonText.ValueEquals(ref reader, authenticatedDeviceId)
                        ? authenticatedDeviceId
                        : ReadId(field, ref reader);
                    break;
                case EnvelopeField.SentAt:
                    if (!Timestamps.TryRead(ref reader, out _sentAt))
                    {
                        Fail(field, ErrorCodes.SchemaFormat, Timestamps.FormatMessage("sentAt"));
                    }

                    break;
            }
        }

        private string? ReadId(EnvelopeField field, ref Utf8JsonReader reader)
        {
            if (!JsonText.TryRead(ref reader, out var id))
            {
                Fail(field, ErrorCodes.JsonMalformed, $"'{Name(field)}' is not valid text (invalid UTF-8 or an unpaired surrogate escape).");
                return null;
            }

            if (id.Length == 0 || JsonText.CharacterCount(id) > MaxIdLength)
            {
                Fail(field, ErrorCodes.SchemaFormat, $"'{Name(field)}' must hold 1 to {MaxIdLength} characters.");
                return null;
            }

            return id;
        }

        public readonly MessageEnvelope Complete()
        {
            for (var field = EnvelopeField.Schema; (int)field < FieldCount; field++)
            {
                if ((_seen & (1 << (int)field)) == 0)
                {
                    return Rejected(ErrorCodes.SchemaRequired, "/" + Name(field), $"'{Name(field)}' is required.");
                }

                var error = field switch
                {
                    EnvelopeField.Schema => _schemaError,
                    EnvelopeField.MessageId => _messageIdError,
                    EnvelopeField.DeviceId => _deviceIdError,
                    EnvelopeField.SentAt => _sentAtError,
                    _ => _readingsError,
                };
                if (error is not null)
                {
                    return new MessageEnvelope(null, null, default, error);
                }
            }

            if (TooManyReadings)
            {
                return new MessageEnvelope(_messageId, _deviceId, _sentAt, new ValidationError(
                    ErrorCodes.MessageTooManyReadings, "/readings", "The message holds more readings than allowed."));
            }

            if (authenticatedDeviceId is not null && !ReferenceEquals(_deviceId, authenticatedDeviceId))
            {
                return new MessageEnvelope(_messageId, _deviceId, _sentAt, new ValidationError(ErrorCodes.DeviceMismatch, "/deviceId",
                    $"The message claims device '{Truncate(_deviceId!)}' but was sent by device '{authenticatedDeviceId}'."));
            }

            return new MessageEnvelope(_messageId, _deviceId, _sentAt, null);
        }
    }

    internal static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
